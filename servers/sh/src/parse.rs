//! Command lines: `;` separates commands, a trailing `&` runs one in the
//! background, `$?` expands to the last status, words are separated by
//! blanks.

/// Longest command line after expansion.
pub const LINE_MAX: usize = 512;

/// One command of a line.
pub struct Command<'a> {
    pub words: &'a str,
    pub background: bool,
}

/// Splits a line into commands (empty ones dropped).
pub fn commands(line: &str) -> impl Iterator<Item = Command<'_>> {
    line.split(';').filter_map(|part| {
        let part = part.trim();
        let (words, background) = match part.strip_suffix('&') {
            Some(rest) => (rest.trim_end(), true),
            None => (part, false),
        };
        (!words.is_empty()).then_some(Command { words, background })
    })
}

/// Copies `line` into `out` with every `$?` replaced by `status`;
/// returns the expanded text (cut at [`LINE_MAX`]).
pub fn expand<'b>(line: &str, status: u64, out: &'b mut [u8; LINE_MAX]) -> &'b str {
    let mut len = 0;
    let mut push = |bytes: &[u8], len: &mut usize| {
        let n = bytes.len().min(LINE_MAX - *len);
        out[*len..*len + n].copy_from_slice(&bytes[..n]);
        *len += n;
    };
    let mut digits = [0u8; 20];
    let status_text = decimal(status, &mut digits);
    let mut rest = line;
    while let Some(at) = rest.find("$?") {
        push(&rest.as_bytes()[..at], &mut len);
        push(status_text, &mut len);
        rest = &rest[at + 2..];
    }
    push(rest.as_bytes(), &mut len);
    core::str::from_utf8(&out[..len]).unwrap_or("")
}

fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_split_and_ampersand_means_background() {
        let cmds: Vec<(&str, bool)> = commands(" ps ; sleep 5 &;; echo a&").map(|c| (c.words, c.background)).collect();
        assert_eq!(cmds, [("ps", false), ("sleep 5", true), ("echo a", true)]);
        assert_eq!(commands("  ;  ").count(), 0);
    }

    #[test]
    fn dollar_question_expands_to_the_status() {
        let mut buf = [0; LINE_MAX];
        assert_eq!(expand("echo $? and $?", 130, &mut buf), "echo 130 and 130");
        assert_eq!(expand("no status here $", 0, &mut buf), "no status here $");
        let long = "$?".repeat(400);
        assert_eq!(expand(&long, 130, &mut buf).len(), LINE_MAX);
    }
}
