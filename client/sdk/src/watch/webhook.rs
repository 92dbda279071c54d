//! Delivering watch events to an HTTP endpoint (an HR system): each event is POSTed as JSON,
//! with its id in the `Idempotency-Key` header, and retried with exponential backoff until the
//! endpoint answers 2xx. Delivery is at least once: a receiver de-duplicates on the id.

use std::time::Duration;

use super::WatchEvent;
use crate::error::SdkError;

/// An HTTP endpoint events are POSTed to.
pub struct Webhook {
    url: reqwest::Url,
    client: reqwest::Client,
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
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(30),
        })
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// One attempt: POSTs `event`; `Ok` when the endpoint answered 2xx.
    pub async fn post(&self, event: &WatchEvent) -> Result<(), AttemptFailed> {
        let response = self
            .client
            .post(self.url.clone())
            .header("Idempotency-Key", &event.id)
            .header("X-Credence-Event", event.kind.tag())
            .json(event)
            .send()
            .await
            .map_err(|e| AttemptFailed {
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
