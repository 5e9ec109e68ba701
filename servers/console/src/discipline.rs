//! The terminal line discipline (canonical mode): input is collected into
//! a line with echo, backspace erases a character, ^U the whole line, ^C
//! discards it and interrupts the foreground group, ^D ends the line
//! without a newline (on an empty line: end of file), Enter completes it.
//! Completed lines wait in a short queue until a reader asks.

/// Longest line.
pub const LINE_MAX: usize = 256;
/// Completed lines kept for readers.
const QUEUE: usize = 8;

const CTRL_C: u8 = 0x03;
const CTRL_D: u8 = 0x04;
const BACKSPACE: u8 = 0x08;
const CTRL_U: u8 = 0x15;
const DELETE: u8 = 0x7f;

/// What a typed byte asks the driver to do besides echoing.
#[derive(PartialEq, Eq, Debug)]
pub enum Event {
    None,
    /// A line (or end of file) is ready for readers.
    LineReady,
    /// ^C: signal the foreground process group.
    Interrupt,
}

#[derive(Clone, Copy)]
struct Line {
    bytes: [u8; LINE_MAX + 1],
    len: usize,
}

pub struct Discipline {
    edit: Line,
    queue: [Line; QUEUE],
    head: usize,
    count: usize,
}

impl Discipline {
    pub const fn new() -> Discipline {
        const EMPTY: Line = Line { bytes: [0; LINE_MAX + 1], len: 0 };
        Discipline { edit: EMPTY, queue: [EMPTY; QUEUE], head: 0, count: 0 }
    }

    /// Feeds one typed byte; `echo` receives what to show.
    pub fn input(&mut self, byte: u8, echo: &mut impl FnMut(&[u8])) -> Event {
        match byte {
            b'\r' | b'\n' => {
                echo(b"\r\n");
                self.edit.bytes[self.edit.len] = b'\n';
                self.edit.len += 1;
                self.complete()
            }
            CTRL_D => self.complete(),
            BACKSPACE | DELETE => {
                if self.edit.len > 0 {
                    self.edit.len -= 1;
                    echo(b"\x08 \x08");
                }
                Event::None
            }
            CTRL_U => {
                for _ in 0..self.edit.len {
                    echo(b"\x08 \x08");
                }
                self.edit.len = 0;
                Event::None
            }
            CTRL_C => {
                echo(b"^C\r\n");
                self.edit.len = 0;
                Event::Interrupt
            }
            b'\t' | 0x20..=0x7e => {
                if self.edit.len < LINE_MAX {
                    self.edit.bytes[self.edit.len] = byte;
                    self.edit.len += 1;
                    echo(&[byte]);
                }
                Event::None
            }
            _ => Event::None,
        }
    }

    /// Queues the line being edited (an empty one means end of file).
    fn complete(&mut self) -> Event {
        if self.count == QUEUE {
            // Nobody is reading: drop the oldest line.
            self.head = (self.head + 1) % QUEUE;
            self.count -= 1;
        }
        self.queue[(self.head + self.count) % QUEUE] = self.edit;
        self.count += 1;
        self.edit.len = 0;
        Event::LineReady
    }

    /// The oldest completed line (empty: end of file), if any.
    pub fn peek(&self) -> Option<&[u8]> {
        (self.count > 0).then(|| {
            let line = &self.queue[self.head];
            &line.bytes[..line.len]
        })
    }

    /// Drops the oldest completed line.
    pub fn pop(&mut self) {
        if self.count > 0 {
            self.head = (self.head + 1) % QUEUE;
            self.count -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(d: &mut Discipline, bytes: &[u8]) -> (Vec<u8>, Vec<Event>) {
        let mut echoed = Vec::new();
        let mut events = Vec::new();
        for &b in bytes {
            events.push(d.input(b, &mut |e| echoed.extend_from_slice(e)));
        }
        (echoed, events)
    }

    #[test]
    fn a_line_is_echoed_and_queued_with_its_newline() {
        let mut d = Discipline::new();
        let (echo, events) = feed(&mut d, b"ls\r");
        assert_eq!(echo, b"ls\r\n");
        assert_eq!(events.last(), Some(&Event::LineReady));
        assert_eq!(d.peek(), Some(&b"ls\n"[..]));
        d.pop();
        assert_eq!(d.peek(), None);
    }

    #[test]
    fn backspace_and_kill_line_edit_before_the_reader_sees_it() {
        let mut d = Discipline::new();
        feed(&mut d, b"abx\x7f\x08c\x15echo ok\n");
        assert_eq!(d.peek(), Some(&b"echo ok\n"[..]));
        let (echo, _) = feed(&mut Discipline::new(), b"\x7f");
        assert!(echo.is_empty(), "backspace on an empty line echoes nothing");
    }

    #[test]
    fn ctrl_c_discards_the_line_and_interrupts() {
        let mut d = Discipline::new();
        let (echo, events) = feed(&mut d, b"sleep\x03");
        assert_eq!(events.last(), Some(&Event::Interrupt));
        assert!(echo.ends_with(b"^C\r\n"));
        assert_eq!(d.peek(), None);
        feed(&mut d, b"x\n");
        assert_eq!(d.peek(), Some(&b"x\n"[..]));
    }

    #[test]
    fn ctrl_d_ends_a_partial_line_or_means_end_of_file() {
        let mut d = Discipline::new();
        feed(&mut d, b"abc\x04\x04");
        assert_eq!(d.peek(), Some(&b"abc"[..]));
        d.pop();
        assert_eq!(d.peek(), Some(&b""[..]));
    }

    #[test]
    fn long_lines_are_cut_and_a_full_queue_drops_the_oldest() {
        let mut d = Discipline::new();
        feed(&mut d, &[b'y'; LINE_MAX + 50]);
        feed(&mut d, b"\n");
        assert_eq!(d.peek().map(<[u8]>::len), Some(LINE_MAX + 1));
        for i in 0..QUEUE as u8 {
            feed(&mut d, &[b'0' + i, b'\n']);
        }
        assert_eq!(d.peek(), Some(&b"0\n"[..]), "the overlong line was dropped first");
        let (echo, _) = feed(&mut d, b"\x01\x1b");
        assert!(echo.is_empty(), "control characters are ignored");
    }
}
