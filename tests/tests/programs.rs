//! Every instruction of both programs, in the real runtime: success paths and each refusal.

mod programs {
    pub mod cohorts;
    pub mod consent;
    pub mod fees;
    pub mod pool;
    pub mod registry;
    pub mod sizes;
}
