//! The program's rules, pure: no IO, no async, no HTTP, no AWS.
//!
//! Both the site generator and the functions read the program's configuration
//! (`content/program.yaml`, [`program::Program`]) and survey definitions
//! (`content/surveys/*.yaml`, [`survey::Survey`]) through the types here.

pub mod program;
pub mod survey;
