//! Delivering watch events to an HTTP endpoint (an HR system): each event is POSTed as JSON,
//! with its id in the `Idempotency-Key` header, and retried with exponential backoff until the
//! endpoint answers 2xx. Delivery is at least once: a receiver de-duplicates on the id.
//!
//! With a shared secret, each POST also carries `X-Credence-Signature: sha256=<hex>`, the
//! HMAC-SHA256 of the exact body under the secret, so the receiver can tell the watcher's POSTs
//! from anyone else's ([`verify_signature`]).

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::WatchEvent;
use crate::error::SdkError;

/// The header that carries a POST's signature.
pub const SIGNATURE_HEADER: &str = "X-Credence-Signature";

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes a key of any length")
}

/// The signature header's value for `body` under `secret`: `sha256=` and the HMAC-SHA256 in
/// lower-case hex.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Whether `header` (the [`SIGNATURE_HEADER`] value a receiver got) signs `body` under
/// `secret`, compared in constant time.
pub fn verify_signature(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(tag) = header
        .trim()
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
    else {
        return false;
    };
    let mut mac = mac(secret);
    mac.update(body);
    mac.verify_slice(&tag).is_ok()
}

/// An HTTP endpoint events are POSTed to.
pub struct Webhook {
    url: reqwest::Url,
    client: reqwest::Client,
    secret: Option<Vec<u8>>,
    /// First wait after a failed attempt; doubled after each, up to `max_backoff`.
    pub backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
}

/// Why one attempt failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptFailed {
    /// What happened: no connection, a timeout, or the status the endpoint answered.
    pub problem: String,
}

impl Webhook {
    /// A webhook to `url` (http or https); [`SdkError::BadUrl`] otherwise. Each attempt times
    /// out after 10 s.
    pub fn new(url: &str) -> Result<Self, SdkError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| SdkError::BadUrl(url.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(SdkError::BadUrl(url.to_string()));
        }
        Ok(Self {
            url: parsed,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("a reqwest client with rustls builds"),
            secret: None,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(30),
        })
    }

    /// Signs every POST with `secret` ([`SIGNATURE_HEADER`]); refused if empty.
    pub fn with_secret(mut self, secret: Vec<u8>) -> Result<Self, SdkError> {
        if secret.is_empty() {
            return Err(SdkError::OutOfRange {
                what: "the webhook secret",
                allowed: "at least 1 byte (32 random bytes is the usual)".into(),
                given: "0 bytes".into(),
            });
        }
        self.secret = Some(secret);
        Ok(self)
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// One attempt: POSTs `event`; `Ok` when the endpoint answered 2xx.
    pub async fn post(&self, event: &WatchEvent) -> Result<(), AttemptFailed> {
        let body = serde_json::to_vec(event).expect("events serialize");
        let mut request = self
            .client
            .post(self.url.clone())
            .header("Idempotency-Key", &event.id)
            .header("X-Credence-Event", event.kind.tag())
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        if let Some(secret) = &self.secret {
            request = request.header(SIGNATURE_HEADER, signature(secret, &body));
        }
        let response = request.body(body).send().await.map_err(|e| AttemptFailed {
            problem: if e.is_connect() {
                "cannot connect".into()
            } else if e.is_timeout() {
                "no answer within 10 s".into()
            } else {
                e.to_string()
            },
        })?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(AttemptFailed {
                problem: format!("the endpoint answered {status}"),
            })
        }
    }

    /// POSTs `event` until the endpoint takes it, waiting longer after each failure;
    /// `on_failure(attempt, failure, wait)` is told of each. Returns the attempts made.
    pub async fn deliver(
        &self,
        event: &WatchEvent,
        mut on_failure: impl FnMut(u32, &AttemptFailed, Duration),
    ) -> u32 {
        let mut wait = self.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.post(event).await {
                Ok(()) => return attempt,
                Err(failure) => {
                    on_failure(attempt, &failure, wait);
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(self.max_backoff);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_body_and_secret() {
        let body = br#"{"id":"00","event":"credential_revoked"}"#;
        let header = signature(b"hr-secret", body);
        assert!(header.starts_with("sha256=") && header.len() == 7 + 64);
        assert!(verify_signature(b"hr-secret", body, &header));
        assert!(!verify_signature(b"another", body, &header));
        assert!(!verify_signature(b"hr-secret", b"{}", &header));
        assert!(!verify_signature(b"hr-secret", body, "sha256=zz"));
        assert!(!verify_signature(b"hr-secret", body, &header[7..]));
        assert!(
            Webhook::new("http://127.0.0.1:1/x")
                .unwrap()
                .with_secret(Vec::new())
                .is_err()
        );
        assert!(matches!(Webhook::new("ftp://x"), Err(SdkError::BadUrl(_))));
    }
}
