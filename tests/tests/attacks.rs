//! Adversarial tests: one module per attack class of the public Solana catalogue
//! (coral-xyz/sealevel-attacks), each against both programs wherever the class applies. Every
//! test asserts the exact refusal and that no account changed. `SECURITY.md` maps each class to
//! these tests and to the older tests in `tests/programs/` that cover it too.

mod attacks {
    pub mod common;

    mod arbitrary_program;
    mod bump_canonicalisation;
    mod closing_and_reviving;
    mod data_matching;
    mod duplicate_mutable;
    mod missing_owner;
    mod missing_signer;
    mod pda_sharing;
    mod reinitialisation;
    mod sysvar_spoofing;
    mod type_cosplay;
}
