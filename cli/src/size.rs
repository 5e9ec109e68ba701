//! Sizes on the command line: a number of bytes, or a whole number with a
//! binary suffix (64M is 64 MiB). One parser, so every command accepts the
//! same spellings and explains them the same way when one is wrong.

/// The spellings [`parse_size`] accepts, for error messages and help.
pub const ACCEPTED: &str = "a number of bytes, or a whole number with a suffix K, M, G or T \
(also KiB, MiB, GiB, TiB or KB, MB, GB, TB; all powers of 1024), for example 64M or 1G";

/// Parses `s` as a size in bytes. Suffixes are case-insensitive powers of
/// 1024; the error says what was wrong and which spellings are accepted
/// (clap prints it as "invalid value '..' for '<SIZE>': ...").
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, suffix) = t.split_at(digits_end);
    if number.is_empty() {
        return Err(format!("not a size; give {ACCEPTED}"));
    }
    let shift = match suffix.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("unknown suffix {suffix:?}; give {ACCEPTED}")),
    };
    let too_large = || format!("too large (the most is 16 EiB less one byte); give {ACCEPTED}");
    let n: u64 = number.parse().map_err(|_| too_large())?;
    n.checked_mul(1u64 << shift).ok_or_else(too_large)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn plain_bytes() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("512B"), Ok(512));
    }

    #[test]
    fn every_suffix_is_a_power_of_1024_in_any_case() {
        for (s, n) in [("4K", 4u64 << 10), ("64M", 64 << 20), ("1G", 1 << 30), ("2T", 2 << 40)] {
            assert_eq!(parse_size(s), Ok(n), "{s}");
            assert_eq!(parse_size(&s.to_lowercase()), Ok(n), "{s} lower case");
        }
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("64mb"), Ok(64 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size(" 8k "), Ok(8192));
    }

    #[test]
    fn a_wrong_suffix_names_itself_and_the_accepted_ones() {
        let e = parse_size("64X").unwrap_err();
        assert!(e.contains("\"X\""), "{e}");
        assert!(e.contains("K, M, G or T"), "{e}");
        assert!(parse_size("64 M B").is_err());
    }

    #[test]
    fn no_number_or_a_fraction_is_not_a_size() {
        for s in ["", "M", "big", "-1M"] {
            assert!(parse_size(s).unwrap_err().starts_with("not a size"), "{s}");
        }
        assert!(parse_size("1.5G").unwrap_err().contains("unknown suffix \".5G\""));
    }

    #[test]
    fn overflow_is_refused_not_wrapped() {
        assert_eq!(parse_size("16383P").map_err(|e| e.contains("unknown suffix")), Err(true));
        assert!(parse_size("16777216T").unwrap_err().starts_with("too large"));
        assert!(parse_size("99999999999999999999").unwrap_err().starts_with("too large"));
        assert_eq!(parse_size("16777215T"), Ok(16777215u64 << 40));
    }
}
