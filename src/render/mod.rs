//! Render: the build as one top-down list of named stages, from the validated `Site` to an
//! in-memory `Output`. No stage touches the disk. HTML, PDF and search stages join this list.

pub mod data;

use std::time::Instant;

use crate::model::Site;
use crate::output::Output;

/// Runs every stage; `log` receives each stage's name and duration.
pub fn build(site: &Site, log: &mut dyn FnMut(&str, std::time::Duration)) -> Output {
    let mut out = Output::new();
    let t = Instant::now();
    data::render(site, &mut out);
    log("data terbuka (JSON)", t.elapsed());
    out
}
