//! Pure instruction builders: typed accounts and arguments in, an [`Instruction`] out.
//!
//! [`Instruction`]: anchor_lang::solana_program::instruction::Instruction

pub mod consent;
pub mod registry;
pub mod token;
