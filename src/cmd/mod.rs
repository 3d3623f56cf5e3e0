pub mod alumni;
pub mod build;
pub mod cohort_source;
<<<<<<< HEAD
pub mod init;
=======
pub mod mentors;
>>>>>>> main
pub mod report;
pub mod roster;
pub mod serve;
pub mod store_args;
pub mod tick;
