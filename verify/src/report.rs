//! What [`MxVerifier`](crate::MxVerifier) found, kept for the caller after
//! the handshake, whichever way it went.

use std::sync::{Arc, Mutex, PoisonError};

use mxtrust::dane::{self, RecordStatus};
use mxtrust::decision::Decision;
use mxtrust::policy::Mode;
use mxtrust::sts::CertOutcome;
use mxtrust::tlsrpt::ResultType;
use rustls::pki_types::CertificateDer;

use crate::Refusal;

/// A shared handle on the verdict of the last handshake a verifier took
/// part in: keep a clone (from [`MxVerifier::report`](crate::MxVerifier::report))
/// and read it once the SMTP client's STARTTLS returned, accepted or not.
#[derive(Clone, Debug, Default)]
pub struct Report(Arc<Mutex<Option<Verdict>>>);

impl Report {
    /// The verdict, once the server's certificate message was judged;
    /// `None` before that (no connection, no STARTTLS, or a handshake that
    /// failed earlier).
    pub fn verdict(&self) -> Option<Verdict> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn set(&self, verdict: Verdict) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(verdict);
    }

    pub(crate) fn signature_verified(&self) {
        if let Some(verdict) = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
        {
            verdict.signature_verified = true;
        }
    }
}

/// The verdict on one presented chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The chain the server presented, leaf first.
    pub presented: Vec<CertificateDer<'static>>,
    /// What the rules said.
    pub outcome: Outcome,
    /// Why the verifier refused the chain, if it did.
    pub refusal: Option<Refusal>,
    /// Whether the handshake signature (TLS 1.2 `ServerKeyExchange`,
    /// TLS 1.3 `CertificateVerify`) verified with the leaf's key: only then
    /// did the server prove it holds that key. An accepted chain whose
    /// signature did not verify failed the handshake all the same.
    pub signature_verified: bool,
}

impl Verdict {
    /// Whether the verifier accepted the chain (the handshake may still
    /// have failed afterwards: see [`signature_verified`](Self::signature_verified)).
    pub fn accepted(&self) -> bool {
        self.refusal.is_none()
    }

    /// A stable kebab-case code for logs: the refusal's
    /// [`code`](Refusal::code) when refused; else core's DANE
    /// [`Outcome::code`](dane::Outcome::code) (`authenticated`,
    /// `unauthenticated-tls`), or under MTA-STS the decision's action code
    /// (`require-sts`, `sts-testing`, `opportunistic`).
    pub fn code(&self) -> &'static str {
        match (&self.refusal, &self.outcome) {
            (Some(refusal), _) => refusal.code(),
            (None, Outcome::Dane { outcome, .. }) => outcome.code(),
            (None, Outcome::Sts { decision, .. }) => decision.action.code(),
            (None, Outcome::NotJudged) => "not-judged",
        }
    }

    /// The RFC 8460 result type to report, if anything is to be reported:
    /// the refusal's, or for an accepted chain what core says to report
    /// (`tlsa-invalid` for an RRset of unusable records, the certificate
    /// failure under an MTA-STS `testing` policy).
    pub fn result_type(&self) -> Option<ResultType> {
        if let Some(refusal) = &self.refusal {
            return Some(refusal.result_type());
        }
        match &self.outcome {
            Outcome::Dane { outcome, .. } => outcome.result_type(),
            Outcome::Sts {
                decision,
                certificate,
                ..
            } => decision
                .report
                .or_else(|| certificate.and_then(|c| c.result_type())),
            Outcome::NotJudged => None,
        }
    }
}

/// What the rules said about a chain.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// DANE (RFC 7672): core's outcome and one status per TLSA record, in
    /// the order the records were given.
    Dane {
        /// [`dane::verify`]'s outcome.
        outcome: dane::Outcome,
        /// What became of each record.
        records: Vec<RecordStatus>,
    },
    /// MTA-STS (RFC 8461).
    Sts {
        /// The policy's mode.
        mode: Mode,
        /// Core's decision for this MX host under the policy.
        decision: Decision,
        /// The RFC 8461 §4.2 certificate check, when the decision called
        /// for one (`enforce` with the MX listed, `testing`).
        certificate: Option<CertOutcome>,
    },
    /// core refused the inputs before judging the chain (see
    /// [`Refusal::Input`]).
    NotJudged,
}
