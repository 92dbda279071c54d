//! Reading Credence events out of a transaction's log messages.
//!
//! An event is an Anchor event (8-byte discriminator, then Borsh) logged by one of the Credence
//! programs. On the SBF target the line is `Program data: <base64>`; a program compiled natively
//! and run as a builtin logs `Program log: data: <base64>` (see `credence_registry::events`). The
//! parser follows the invoke stack, so only lines written while the expected program is running
//! count: another program in the same transaction cannot forge a Credence event.

use anchor_lang::{AnchorDeserialize, Discriminator, prelude::Pubkey};

use base64::{Engine, engine::general_purpose::STANDARD};
use credence_registry::events::NATIVE_EVENT_PREFIX;

/// The line an SBF program's `sol_log_data` writes.
const SBF_PREFIX: &str = "Program data: ";
/// What the runtime puts before a native program's log line.
const PROGRAM_LOG: &str = "Program log: ";

/// Every event payload (discriminator and body) that `program_id` itself logged, in order.
pub fn raw_events(program_id: &Pubkey, logs: &[String]) -> Vec<Vec<u8>> {
    let program = program_id.to_string();
    let mut stack: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for line in logs {
        if let Some(rest) = line.strip_prefix("Program ") {
            let mut words = rest.split_whitespace();
            let (first, second) = (words.next(), words.next());
            if second == Some("invoke") {
                if let Some(id) = first {
                    stack.push(id);
                }
                continue;
            }
            if matches!(second, Some("success") | Some("failed:")) {
                stack.pop();
                continue;
            }
        }
        if stack.last() != Some(&program.as_str()) {
            continue;
        }
        let payload = line.strip_prefix(SBF_PREFIX).or_else(|| {
            line.strip_prefix(PROGRAM_LOG)
                .and_then(|rest| rest.strip_prefix(NATIVE_EVENT_PREFIX))
        });
        if let Some(Ok(bytes)) = payload.map(|b64| STANDARD.decode(b64.trim())) {
            out.push(bytes);
        }
    }
    out
}

/// Every event of type `E` that `program_id` logged, in order.
pub fn events<E: AnchorDeserialize + Discriminator>(
    program_id: &Pubkey,
    logs: &[String],
) -> Vec<E> {
    raw_events(program_id, logs)
        .into_iter()
        .filter_map(|bytes| {
            let body = bytes.strip_prefix(E::DISCRIMINATOR)?;
            E::try_from_slice(body).ok()
        })
        .collect()
}
