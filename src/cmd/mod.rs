pub mod alumni;
pub mod build;
pub mod cohort_source;
pub mod report;
pub mod roster;
pub mod serve;
pub mod store_args;
pub mod tick;
