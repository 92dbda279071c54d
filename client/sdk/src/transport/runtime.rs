//! Running the natively compiled programs inside the real runtime.
//!
//! Two pieces make that work (see README "How the programs run here"):
//! - an entry wrapper per program: Anchor's `entry` ties every lifetime to one, while the
//!   runtime's builtin interface hands independent ones;
//! - the syscall-stub forwarder: `solana-program-test` 4.2 installs its stubs (CPI, sysvars,
//!   logs, return data) into `solana-sysvar` 4.1, but Anchor's `solana-v3` programs call
//!   `solana-sysvar` 3.1. We take program-test's stubs out and install forwarders into both.

use std::sync::{Once, OnceLock};

use solana_account_info::AccountInfo;
use solana_instruction::Instruction;
use solana_program_error::ProgramResult;
use solana_pubkey::Pubkey;
use solana_sysvar::program_stubs::SyscallStubs as Stubs4;
use solana_sysvar_v3::program_stubs::SyscallStubs as Stubs3;

/// Calls Anchor's generated `entry` with the lifetimes it expects.
macro_rules! native_entry {
    ($name:ident, $program:path) => {
        /// Native entry point of the program, for `processor!`.
        pub fn $name(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
            // SAFETY: the runtime keeps the program id, the accounts and the data alive and
            // unmoved for the whole call; only the borrow checker's view of their lifetimes
            // is widened to the single one Anchor's entry declares.
            let (program_id, accounts, data) = unsafe { widen(program_id, accounts, data) };
            $program(program_id, accounts, data)
        }
    };
}

unsafe fn widen<'a, 'b, 'c, 'info>(
    program_id: &'a Pubkey,
    accounts: &'b [AccountInfo<'c>],
    data: &'a [u8],
) -> (&'info Pubkey, &'info [AccountInfo<'info>], &'info [u8]) {
    unsafe {
        (
            std::mem::transmute::<&'a Pubkey, &'info Pubkey>(program_id),
            std::mem::transmute::<&'b [AccountInfo<'c>], &'info [AccountInfo<'info>]>(accounts),
            std::mem::transmute::<&'a [u8], &'info [u8]>(data),
        )
    }
}

native_entry!(registry_entry, credence_registry::entry);
native_entry!(consent_entry, credence_consent::entry);

static INNER: OnceLock<Box<dyn Stubs4>> = OnceLock::new();

fn inner() -> &'static dyn Stubs4 {
    INNER
        .get()
        .expect("syscall stubs are installed before any program runs")
        .as_ref()
}

struct Forward4;
struct Forward3;

macro_rules! forward {
    ($trait:ident for $ty:ident) => {
        impl $trait for $ty {
            fn sol_log(&self, message: &str) {
                inner().sol_log(message)
            }
            fn sol_log_compute_units(&self) {
                inner().sol_log_compute_units()
            }
            fn sol_remaining_compute_units(&self) -> u64 {
                inner().sol_remaining_compute_units()
            }
            fn sol_invoke_signed(
                &self,
                instruction: &Instruction,
                account_infos: &[AccountInfo],
                signers_seeds: &[&[&[u8]]],
            ) -> ProgramResult {
                inner().sol_invoke_signed(instruction, account_infos, signers_seeds)
            }
            fn sol_get_sysvar(&self, id: *const u8, var: *mut u8, offset: u64, length: u64) -> u64 {
                inner().sol_get_sysvar(id, var, offset, length)
            }
            fn sol_get_clock_sysvar(&self, var: *mut u8) -> u64 {
                inner().sol_get_clock_sysvar(var)
            }
            fn sol_get_epoch_schedule_sysvar(&self, var: *mut u8) -> u64 {
                inner().sol_get_epoch_schedule_sysvar(var)
            }
            fn sol_get_fees_sysvar(&self, var: *mut u8) -> u64 {
                inner().sol_get_fees_sysvar(var)
            }
            fn sol_get_rent_sysvar(&self, var: *mut u8) -> u64 {
                inner().sol_get_rent_sysvar(var)
            }
            fn sol_get_epoch_rewards_sysvar(&self, var: *mut u8) -> u64 {
                inner().sol_get_epoch_rewards_sysvar(var)
            }
            fn sol_get_last_restart_slot(&self, var: *mut u8) -> u64 {
                inner().sol_get_last_restart_slot(var)
            }
            fn sol_get_epoch_stake(&self, vote_address: *const u8) -> u64 {
                inner().sol_get_epoch_stake(vote_address)
            }
            unsafe fn sol_memcpy(&self, dst: *mut u8, src: *const u8, n: usize) {
                unsafe { inner().sol_memcpy(dst, src, n) }
            }
            unsafe fn sol_memmove(&self, dst: *mut u8, src: *const u8, n: usize) {
                unsafe { inner().sol_memmove(dst, src, n) }
            }
            unsafe fn sol_memcmp(&self, s1: *const u8, s2: *const u8, n: usize, result: *mut i32) {
                unsafe { inner().sol_memcmp(s1, s2, n, result) }
            }
            unsafe fn sol_memset(&self, s: *mut u8, c: u8, n: usize) {
                unsafe { inner().sol_memset(s, c, n) }
            }
            fn sol_get_return_data(&self) -> Option<(Pubkey, Vec<u8>)> {
                inner().sol_get_return_data()
            }
            fn sol_set_return_data(&self, data: &[u8]) {
                inner().sol_set_return_data(data)
            }
            fn sol_log_data(&self, fields: &[&[u8]]) {
                inner().sol_log_data(fields)
            }
            fn sol_get_processed_sibling_instruction(&self, index: usize) -> Option<Instruction> {
                inner().sol_get_processed_sibling_instruction(index)
            }
            fn sol_get_stack_height(&self) -> u64 {
                inner().sol_get_stack_height()
            }
        }
    };
}

forward!(Stubs4 for Forward4);
forward!(Stubs3 for Forward3);

/// Installs the forwarders, once per process. Call after the first `ProgramTest` has started
/// (program-test installs its own stubs then, inside a `Once`).
pub fn install_stub_forwarders() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let program_test_stubs =
            solana_sysvar::program_stubs::set_syscall_stubs(Box::new(Forward4));
        if INNER.set(program_test_stubs).is_err() {
            unreachable!("the forwarders are installed once");
        }
        solana_sysvar_v3::program_stubs::set_syscall_stubs(Box::new(Forward3));
    });
}
