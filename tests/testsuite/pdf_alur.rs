//! The flowchart's routing and the layout checker: every line tells the truth.

