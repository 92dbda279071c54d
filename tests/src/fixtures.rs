//! Accounts as earlier versions of the programs wrote them, committed under `tests/fixtures/`, so
//! a test can load them with `ProgramTest::add_account` and prove the current code still reads
//! them (the additive-versioning promise: new fields only in reserved space).
//!
//! Each file has the shape of `solana account <address> --output json` (`pubkey`, and `account`
//! with `lamports`, base64 `data`, `owner`, `executable`, `rentEpoch`, `space`) plus a
//! `description` saying what it is and how it was produced.

use std::path::PathBuf;

use anchor_lang::{AnchorSerialize, Discriminator};
use base64::Engine as _;
use credence_registry::state::Schema;
use credence_sdk::pda;
use serde_json::{json, Value};
use solana_account::Account;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_rent::Rent;
use solana_signer::Signer;

use crate::scenario::{schema_args, ISSUER_ID, REGISTRY_NAME, SCHEMA_NAME};

/// Secret key of the registry admin the fixtures were written under: a fixed key, so that the
/// registry, issuer and schema addresses a [`crate::Scenario::build_on`] derives from it are the
/// fixtures' addresses.
pub const FIXTURE_ADMIN_SECRET: [u8; 32] = [42; 32];

/// The registry admin of [`FIXTURE_ADMIN_SECRET`].
pub fn fixture_admin() -> Keypair {
    Keypair::new_from_array(FIXTURE_ADMIN_SECRET)
}

/// File name of the schema written by the first registry layout, before verification fees.
pub const SCHEMA_V1_FIXTURE: &str = "schema-v1-before-fees.json";

/// The space the first layout's `create_schema` allocated: `8 + Schema::INIT_SPACE` of that
/// version (fees took reserved space, so today's is the same; `sizes.rs` pins it).
pub const SCHEMA_V1_SPACE: usize = 366;

/// `created_at` of the fixture's schema: 2025-01-01T00:00:00Z.
pub const SCHEMA_V1_CREATED_AT: i64 = 1_735_689_600;

/// The registry's `Schema` as the first layout declared it (commit a21138a,
/// `programs/credence-registry/src/state/schema.rs`): the 96 bytes that `fee` and the shorter
/// `reserved` now occupy were one zeroed `reserved` array. Field for field, in Borsh order.
#[derive(AnchorSerialize)]
pub struct SchemaV1 {
    /// The issuer that owns the schema.
    pub issuer: Pubkey,
    /// Layout version.
    pub version: u8,
    /// Canonical bump of the address.
    pub bump: u8,
    /// Schema name.
    pub name: String,
    /// Schema version.
    pub schema_version: u16,
    /// Where the JSON schema is published.
    pub uri: String,
    /// SHA-256 of the JSON schema document.
    pub schema_hash: [u8; 32],
    /// Default validity in seconds.
    pub default_validity_secs: i64,
    /// Whether credentials can be suspended.
    pub suspendable: bool,
    /// Whether the schema is deprecated.
    pub deprecated: bool,
    /// Credentials issued under this schema.
    pub credentials_issued: u64,
    /// When it was created.
    pub created_at: i64,
    /// Space kept for future fields (a verification fee: mint, amount, treasury).
    pub reserved: [u8; 96],
}

/// The account `create_schema` of the first layout wrote for the scenario's schema
/// ([`SCHEMA_NAME`] version 1 of [`ISSUER_ID`] in [`REGISTRY_NAME`] of [`fixture_admin`], with
/// [`schema_args`]): the `Schema` discriminator (unchanged: it hashes the type's name), the
/// [`SchemaV1`] fields, zero-padded to the space the program allocated, rent-exempt. Returns its
/// address and the account.
pub fn schema_v1_account() -> (Pubkey, Account) {
    let registry = pda::registry(&fixture_admin().pubkey(), REGISTRY_NAME).0;
    let issuer = pda::issuer(&registry, ISSUER_ID).0;
    let (address, bump) = pda::schema(&issuer, SCHEMA_NAME, 1);
    let args = schema_args(SCHEMA_NAME, 1);
    let v1 = SchemaV1 {
        issuer,
        version: 1,
        bump,
        name: args.name,
        schema_version: args.version,
        uri: args.uri,
        schema_hash: args.schema_hash,
        default_validity_secs: args.default_validity_secs,
        suspendable: args.suspendable,
        deprecated: false,
        credentials_issued: 0,
        created_at: SCHEMA_V1_CREATED_AT,
        reserved: [0; 96],
    };
    let space = SCHEMA_V1_SPACE;
    let mut data = Schema::DISCRIMINATOR.to_vec();
    v1.serialize(&mut data).expect("the v1 schema serialises");
    assert!(data.len() <= space, "{} bytes exceed {space}", data.len());
    data.resize(space, 0);
    let account = Account {
        lamports: Rent::default().minimum_balance(space),
        data,
        owner: credence_registry::ID,
        executable: false,
        rent_epoch: 0,
    };
    (address, account)
}

/// The path of fixture `name` under `tests/fixtures/`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// `account` at `address` as fixture JSON, with `description`.
pub fn fixture_json(description: &str, address: &Pubkey, account: &Account) -> String {
    let data = base64::engine::general_purpose::STANDARD.encode(&account.data);
    let value = json!({
        "description": description,
        "pubkey": address.to_string(),
        "account": {
            "lamports": account.lamports,
            "data": [data, "base64"],
            "owner": account.owner.to_string(),
            "executable": account.executable,
            "rentEpoch": account.rent_epoch,
            "space": account.data.len(),
        },
    });
    let mut text = serde_json::to_string_pretty(&value).expect("JSON");
    text.push('\n');
    text
}

/// Reads fixture `name`: its address and account.
pub fn load_fixture(name: &str) -> (Pubkey, Account) {
    let path = fixture_path(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    let value: Value = serde_json::from_str(&text).expect("fixture JSON");
    let field = |v: &Value, key: &str| -> Value {
        v.get(key)
            .cloned()
            .unwrap_or_else(|| panic!("fixture {name} lacks {key}"))
    };
    let address: Pubkey = field(&value, "pubkey")
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("fixture pubkey");
    let account = field(&value, "account");
    let data = field(&account, "data");
    assert_eq!(data[1], "base64", "fixture data encoding");
    let data = base64::engine::general_purpose::STANDARD
        .decode(data[0].as_str().expect("fixture data"))
        .expect("fixture base64");
    let account = Account {
        lamports: field(&account, "lamports").as_u64().expect("lamports"),
        owner: field(&account, "owner")
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("fixture owner"),
        executable: field(&account, "executable").as_bool().expect("executable"),
        rent_epoch: field(&account, "rentEpoch").as_u64().expect("rentEpoch"),
        data,
    };
    (address, account)
}
