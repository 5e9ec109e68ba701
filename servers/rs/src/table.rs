//! The service table: one row per service of the boot manifest, its
//! restart policy (from the kernel's `server_info`), and what rs knows of
//! its current instance. Pure bookkeeping: the decisions (when a silent
//! service is hung, how long to back off, when to give up) live here; the
//! main loop carries them out.

use molt_abi::kcall::ServerInfo;
use molt_abi::Endpoint;
use molt_rt::names::padded;

/// Most services the table holds (the manifest allows 62 servers).
pub const MAX_SERVICES: usize = 62;
/// A service that ran this long since its last restart starts its backoff
/// from scratch.
const STABLE_MS: u64 = 10_000;
/// Longest backoff, whatever the doubling says.
const MAX_BACKOFF_MS: u64 = 10_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    Running,
    /// Waiting for its backoff to end, then started again.
    Restarting { at_ms: u64 },
    /// Stopped by `service stop` (or at shutdown).
    Stopped,
    /// Gave up after too many restarts.
    Failed,
}

impl State {
    pub fn code(self) -> u64 {
        match self {
            State::Running => 0,
            State::Restarting { .. } => 1,
            State::Stopped => 2,
            State::Failed => 3,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Service {
    pub index: usize,
    pub info: ServerInfo,
    pub endpoint: Endpoint,
    pub state: State,
    pub restarts: u32,
    /// Restarts since it last ran stably (drives the backoff doubling).
    pub consecutive: u32,
    pub started_ms: u64,
    pub last_heard_ms: u64,
    /// It published its name (so it runs the server loop and answers
    /// IPC_MSG_SHUTDOWN).
    pub published: bool,
    /// When its last death was noticed (for the restart-time report).
    pub died_ms: u64,
}

impl Service {
    /// Manifest entry `index`, not running yet.
    pub fn stopped(index: usize, info: ServerInfo) -> Service {
        Service {
            index,
            info,
            endpoint: Endpoint::NONE,
            state: State::Stopped,
            restarts: 0,
            consecutive: 0,
            started_ms: 0,
            last_heard_ms: 0,
            published: false,
            died_ms: 0,
        }
    }

    pub fn name(&self) -> &str {
        padded(&self.info.name)
    }

    pub fn is_rs(&self) -> bool {
        self.index == molt_rt::names::RS_PRIV_ID as usize
    }

    /// How long it has been silent past its limit, if it has.
    pub fn silent_too_long(&self, now: u64) -> Option<u64> {
        let limit = u64::from(self.info.silence_limit_ms);
        let silent = now.saturating_sub(self.last_heard_ms);
        (self.state == State::Running && self.published && limit > 0 && silent > limit).then_some(silent)
    }

    /// When it must next be looked at (its silence deadline or the end of
    /// its backoff).
    pub fn deadline(&self) -> Option<u64> {
        match self.state {
            State::Running if self.published && self.info.silence_limit_ms > 0 => {
                Some(self.last_heard_ms + u64::from(self.info.silence_limit_ms) + 1)
            }
            State::Restarting { at_ms } => Some(at_ms),
            _ => None,
        }
    }

    /// Records a death at `now`: the next state under the restart policy.
    pub fn on_death(&mut self, now: u64) -> State {
        self.endpoint = Endpoint::NONE;
        self.published = false;
        self.died_ms = now;
        if self.state == State::Stopped {
            return self.state;
        }
        if now.saturating_sub(self.started_ms) > STABLE_MS {
            self.consecutive = 0;
        }
        self.state = if self.restarts >= self.info.max_restarts {
            State::Failed
        } else {
            let backoff = u64::from(self.info.backoff_ms) << self.consecutive.min(16);
            State::Restarting { at_ms: now + backoff.min(MAX_BACKOFF_MS) }
        };
        self.state
    }

    /// Records that instance `endpoint` started at `now`.
    pub fn on_start(&mut self, endpoint: Endpoint, now: u64, is_restart: bool) {
        self.endpoint = endpoint;
        self.state = State::Running;
        self.started_ms = now;
        self.last_heard_ms = now;
        self.published = false;
        if is_restart {
            self.restarts += 1;
            self.consecutive += 1;
        }
    }
}

/// Whether manifest entry `info` is a service rs runs (boot servers and
/// entries with a restart policy). Entries without one are programs that
/// are only in the manifest so their image is in the boot archive.
pub fn is_service(info: &ServerInfo) -> bool {
    info.boot != 0 || info.max_restarts > 0 || info.heartbeat_ms > 0
}

/// The services of the manifest.
pub struct Table {
    pub rows: [Option<Service>; MAX_SERVICES],
}

impl Table {
    pub fn load() -> Table {
        let mut rows = [None; MAX_SERVICES];
        let mut index = 0;
        while let Ok((info, count)) = molt_rt::kcall::server_info(index) {
            if index < MAX_SERVICES && is_service(&info) {
                rows[index] = Some(Service::stopped(index, info));
            }
            index += 1;
            if index >= count {
                break;
            }
        }
        Table { rows }
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Service> {
        self.rows.iter_mut().flatten()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Service> {
        self.rows.iter().flatten()
    }

    pub fn by_endpoint(&mut self, ep: Endpoint) -> Option<&mut Service> {
        self.iter_mut().find(|s| s.endpoint == ep && ep != Endpoint::NONE)
    }

    pub fn by_name(&mut self, name: &str) -> Option<&mut Service> {
        self.iter_mut().find(|s| s.name() == name)
    }

    /// The earliest deadline of any service.
    pub fn next_deadline(&self) -> Option<u64> {
        self.iter().filter_map(Service::deadline).min()
    }
}

/// A service name copied out of the table (so the table can be borrowed
/// again while the name is printed).
pub struct NameBuf {
    bytes: [u8; 32],
    len: usize,
}

impl NameBuf {
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("?")
    }
}

impl Service {
    pub fn name_copy(&self) -> NameBuf {
        let name = self.name().as_bytes();
        let mut bytes = [0u8; 32];
        bytes[..name.len()].copy_from_slice(name);
        NameBuf { bytes, len: name.len() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(max_restarts: u32, backoff_ms: u32) -> Service {
        let info = ServerInfo { heartbeat_ms: 500, silence_limit_ms: 2000, max_restarts, backoff_ms, ..Default::default() };
        Service::stopped(1, info)
    }

    #[test]
    fn backoff_doubles_for_consecutive_deaths_and_resets_after_a_stable_run() {
        let mut s = service(10, 100);
        s.on_start(Endpoint(5), 0, false);
        assert_eq!(s.on_death(50), State::Restarting { at_ms: 150 });
        s.on_start(Endpoint(6), 150, true);
        assert_eq!(s.on_death(200), State::Restarting { at_ms: 400 });
        s.on_start(Endpoint(7), 400, true);
        assert_eq!(s.on_death(400 + STABLE_MS + 1), State::Restarting { at_ms: 400 + STABLE_MS + 1 + 100 });
        assert_eq!(s.restarts, 2);
    }

    #[test]
    fn gives_up_after_max_restarts_and_respects_stop() {
        let mut s = service(1, 10);
        s.on_start(Endpoint(5), 0, false);
        assert!(matches!(s.on_death(1), State::Restarting { .. }));
        s.on_start(Endpoint(6), 20, true);
        assert_eq!(s.on_death(30), State::Failed);
        let mut stopped = service(5, 10);
        stopped.on_start(Endpoint(9), 0, false);
        stopped.state = State::Stopped;
        assert_eq!(stopped.on_death(5), State::Stopped);
        assert_eq!(stopped.endpoint, Endpoint::NONE);
    }

    #[test]
    fn silence_counts_only_for_published_running_services() {
        let mut s = service(3, 10);
        s.on_start(Endpoint(5), 1000, false);
        assert_eq!(s.silent_too_long(5000), None, "not published yet");
        s.published = true;
        assert_eq!(s.silent_too_long(2500), None);
        assert_eq!(s.silent_too_long(3500), Some(2500));
        assert_eq!(s.deadline(), Some(1000 + 2000 + 1));
        s.last_heard_ms = 3400;
        assert_eq!(s.silent_too_long(3500), None);
    }

    #[test]
    fn programs_without_a_policy_are_not_services() {
        assert!(!is_service(&ServerInfo::default()));
        assert!(is_service(&ServerInfo { max_restarts: 1, ..Default::default() }));
        assert!(is_service(&ServerInfo { boot: 1, ..Default::default() }));
    }
}
