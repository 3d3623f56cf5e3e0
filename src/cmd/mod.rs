pub mod build;
pub mod serve;
