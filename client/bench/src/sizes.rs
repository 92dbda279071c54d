//! Account sizes (`8 + INIT_SPACE`) and their rent-exempt minimum, from the chain's Rent sysvar.

use anchor_lang::Space;
use anyhow::{Context, Result};
use credence_sdk::{
    consent_program::state::{AccessRequest, Grant, Listing},
    registry_program::state::{Credential, Delegate, Issuer, Registry, Schema},
    Pubkey, Transport,
};
use serde_json::{json, Value};
use solana_rent::Rent;

/// The Rent sysvar's address.
const RENT_SYSVAR: Pubkey = solana_pubkey::pubkey!("SysvarRent111111111111111111111111111111111");

/// Every account type with its allocated size: the 8-byte discriminator plus `INIT_SPACE`.
pub fn account_sizes() -> Vec<(&'static str, usize)> {
    vec![
        ("registry", 8 + Registry::INIT_SPACE),
        ("issuer", 8 + Issuer::INIT_SPACE),
        ("delegate", 8 + Delegate::INIT_SPACE),
        ("schema", 8 + Schema::INIT_SPACE),
        ("credential", 8 + Credential::INIT_SPACE),
        ("grant", 8 + Grant::INIT_SPACE),
        ("listing", 8 + Listing::INIT_SPACE),
        ("request", 8 + AccessRequest::INIT_SPACE),
    ]
}

/// The chain's rent parameters, read from its Rent sysvar account.
pub async fn rent(transport: &Transport) -> Result<Rent> {
    let account = transport
        .account(&RENT_SYSVAR)
        .await?
        .context("the chain returned no Rent sysvar")?;
    let data = &account.data;
    let lamports_per_byte = u64::from_le_bytes(
        data.get(0..8)
            .context("short Rent sysvar")?
            .try_into()
            .expect("8 bytes"),
    );
    let threshold: [u8; 8] = data
        .get(8..16)
        .context("short Rent sysvar")?
        .try_into()
        .expect("8 bytes");
    let burn_percent = *data.get(16).context("short Rent sysvar")?;
    #[allow(deprecated)]
    Ok(Rent {
        lamports_per_byte,
        exemption_threshold: threshold,
        burn_percent,
    })
}

/// The chain's rent parameters and every account type's size and rent-exempt lamports, as
/// JSON, with the credential's rent and size.
pub async fn measure(transport: &Transport) -> Result<(Value, Value, u64, usize)> {
    let rent = rent(transport).await?;
    let mut accounts = serde_json::Map::new();
    let mut credential = (0, 0);
    for (name, bytes) in account_sizes() {
        let lamports = rent.minimum_balance(bytes);
        if name == "credential" {
            credential = (lamports, bytes);
        }
        accounts.insert(
            name.into(),
            json!({
                "bytes": bytes,
                "rent_exempt_lamports": lamports,
                "rent_exempt_sol": lamports as f64 / 1e9,
            }),
        );
    }
    #[allow(deprecated)]
    let threshold = f64::from_le_bytes(rent.exemption_threshold);
    let rent = json!({
        "source": "the chain's Rent sysvar",
        "lamports_per_byte": rent.lamports_per_byte,
        "exemption_threshold": threshold,
        "formula": "minimum_balance(bytes) = (128 + bytes) * lamports_per_byte * exemption_threshold",
    });
    Ok((rent, Value::Object(accounts), credential.0, credential.1))
}
