//! Connections counted per client address and in total, event streams apart: hyper serves
//! whatever it is given, and a client opening hundreds of connections, or one with dozens of
//! idle tabs, would lock others out. [`Limits::admit`] counts a new connection, its [`Ticket`]
//! uncounts it when the connection (lingering included) is gone.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::core::sync::lock;

/// How many connections are served at once. The per-address shares keep one client (a runaway
/// script, a tab reloading in a loop) from taking them all. Event streams are counted apart:
/// idle tabs cannot starve page requests, and a burst of page requests cannot cut the tabs'
/// live reload.
#[derive(Clone, Copy, Debug)]
pub(super) struct Caps {
    pub(super) pages: usize,
    pub(super) pages_per_address: usize,
    pub(super) events: usize,
    pub(super) events_per_address: usize,
    /// Refused connections being answered (with 503) at once; more are closed unanswered.
    pub(super) refusals: usize,
}

/// A browser opens 6 connections per host; wrk in the load test opens 50 from one address.
pub(super) const CAPS: Caps = Caps {
    pages: 384,
    pages_per_address: 64,
    events: 128,
    events_per_address: 32,
    refusals: 1024,
};

/// Why a connection (or an event stream) is refused.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Refused {
    /// Its client address has its share open already.
    Address,
    /// The server has its total open already.
    Full,
    /// Its client address has its share of event streams open already.
    AddressStreams,
    /// The server has its total of event streams open already.
    Streams,
}

impl Refused {
    pub(super) fn text(self) -> &'static str {
        match self {
            Refused::Address => {
                "Terlalu banyak koneksi dari alamat Anda; tutup sebagian lalu coba lagi."
            }
            Refused::Full => "Server sedang sibuk; coba lagi sebentar lagi.",
            Refused::AddressStreams => {
                "Terlalu banyak tab yang memantau pembaruan dari alamat Anda; tutup sebagian tab lalu muat ulang halaman ini."
            }
            Refused::Streams => {
                "Terlalu banyak tab yang memantau pembaruan; tutup sebagian tab lalu muat ulang halaman ini."
            }
        }
    }
}

/// Open connections, in total and by client address.
pub(super) struct Limits {
    caps: Caps,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    pages: usize,
    events: usize,
    refusals: usize,
    /// Page connections and event streams of each address with any open.
    by_address: HashMap<IpAddr, [usize; 2]>,
}

/// What a connection is counted as.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Page,
    Events,
    /// Being answered with 503.
    Refusal,
}

/// What becomes of a new connection.
pub(super) enum Admission {
    /// Served.
    Served(Ticket),
    /// Answered with 503 and this reason.
    Refused(Ticket, Refused),
    /// Closed unanswered: too many are being refused already (a flood).
    Dropped,
}

impl Limits {
    pub(super) fn new(caps: Caps) -> Limits {
        Limits {
            caps,
            counts: Mutex::default(),
        }
    }

    /// Counts a new connection from `ip` as a page connection, if it fits.
    pub(super) fn admit(self: &Arc<Self>, ip: IpAddr) -> Admission {
        let mut c = lock(&self.counts);
        let mine = c.by_address.get(&ip).map_or(0, |n| n[0]);
        let refused = if mine >= self.caps.pages_per_address {
            Refused::Address
        } else if c.pages >= self.caps.pages {
            Refused::Full
        } else {
            c.pages += 1;
            c.by_address.entry(ip).or_default()[0] += 1;
            return Admission::Served(self.ticket(ip, Kind::Page));
        };
        if c.refusals >= self.caps.refusals {
            return Admission::Dropped;
        }
        c.refusals += 1;
        Admission::Refused(self.ticket(ip, Kind::Refusal), refused)
    }

    /// Connections counted now, of every kind.
    #[cfg(test)]
    pub(super) fn counted(&self) -> usize {
        let c = lock(&self.counts);
        c.pages + c.events + c.refusals
    }

    fn ticket(self: &Arc<Self>, ip: IpAddr, kind: Kind) -> Ticket {
        Ticket {
            limits: Arc::clone(self),
            ip,
            kind: Mutex::new(kind),
        }
    }
}

/// One counted connection; uncounted when dropped (its connection closed and lingered).
pub(super) struct Ticket {
    limits: Arc<Limits>,
    ip: IpAddr,
    kind: Mutex<Kind>,
}

impl Ticket {
    /// Counts the connection as an event stream instead of a page connection, if it fits.
    pub(super) fn count_as_stream(&self) -> Result<(), Refused> {
        let mut kind = lock(&self.kind);
        if *kind != Kind::Page {
            return Ok(());
        }
        let caps = self.limits.caps;
        let mut c = lock(&self.limits.counts);
        let mine = c.by_address.get(&self.ip).map_or(0, |n| n[1]);
        if mine >= caps.events_per_address {
            return Err(Refused::AddressStreams);
        }
        if c.events >= caps.events {
            return Err(Refused::Streams);
        }
        c.pages -= 1;
        c.events += 1;
        let n = c.by_address.entry(self.ip).or_default();
        n[0] -= 1;
        n[1] += 1;
        *kind = Kind::Events;
        Ok(())
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let kind = *lock(&self.kind);
        let mut c = lock(&self.limits.counts);
        let slot = match kind {
            Kind::Page => {
                c.pages -= 1;
                0
            }
            Kind::Events => {
                c.events -= 1;
                1
            }
            Kind::Refusal => {
                c.refusals -= 1;
                return;
            }
        };
        if let Some(n) = c.by_address.get_mut(&self.ip) {
            n[slot] -= 1;
            if *n == [0, 0] {
                c.by_address.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_per_address_and_event_streams_have_their_own() {
        let caps = Caps {
            pages: 5,
            pages_per_address: 3,
            events: 3,
            events_per_address: 2,
            refusals: 1,
        };
        let limits = Arc::new(Limits::new(caps));
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        let c: IpAddr = "127.0.0.3".parse().unwrap();
        let served = |ad: Admission| match ad {
            Admission::Served(t) => t,
            _ => panic!("not served"),
        };
        let mut held: Vec<Ticket> = (0..3).map(|_| served(limits.admit(a))).collect();
        // A's share is full; B is still served.
        let refusal = match limits.admit(a) {
            Admission::Refused(t, why) => {
                assert_eq!(why, Refused::Address);
                t
            }
            _ => panic!("A over its share"),
        };
        // One refusal is being answered: the next refused connection is dropped.
        assert!(matches!(limits.admit(a), Admission::Dropped));
        drop(refusal);
        held.push(served(limits.admit(b)));
        held.push(served(limits.admit(b)));
        // The total is full.
        assert!(matches!(
            limits.admit(c),
            Admission::Refused(_, Refused::Full)
        ));
        // A's connections become event streams: its page share frees up, its stream share
        // fills.
        held[0].count_as_stream().unwrap();
        held[1].count_as_stream().unwrap();
        assert_eq!(held[2].count_as_stream(), Err(Refused::AddressStreams));
        held.push(served(limits.admit(a)));
        held[3].count_as_stream().unwrap();
        assert_eq!(held[4].count_as_stream(), Err(Refused::Streams));
        drop(held);
        let counts = lock(&limits.counts);
        assert_eq!((counts.pages, counts.events, counts.refusals), (0, 0, 0));
        assert!(counts.by_address.is_empty());
    }
}
