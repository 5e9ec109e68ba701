//! The `log` backend: records go to the serial port, filtered by the level
//! named on the kernel command line (`log=error|warn|info|debug|trace`).

use log::{LevelFilter, Log, Metadata, Record};

struct SerialLogger;

static LOGGER: SerialLogger = SerialLogger;

impl Log for SerialLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            crate::kprintln!("[{:5}] {}", record.level(), record.args());
        }
    }

    fn flush(&self) {}
}

/// Installs the logger at the level the command line asks for (info if it
/// names none, or a level that does not exist).
pub fn init(cmdline: &crate::cmdline::Cmdline) {
    let level = match cmdline.get("log") {
        Some("off") => LevelFilter::Off,
        Some("error") => LevelFilter::Error,
        Some("warn") => LevelFilter::Warn,
        Some("debug") => LevelFilter::Debug,
        Some("trace") => LevelFilter::Trace,
        _ => LevelFilter::Info,
    };
    // A second call would fail harmlessly; there is none.
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(level);
}
