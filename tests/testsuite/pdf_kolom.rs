//! The flow table's columns: sized to their content, words never leaving their cell.

