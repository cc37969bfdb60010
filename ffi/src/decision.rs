//! The per-MX decision: DANE before MTA-STS (RFC 7672 §2.2, RFC 8461 §2).

use mxtrust_core::decision::{
    self, Action, DnssecStatus, MxInputs, StsState, TlsaStatus, TlsaUsability,
};

use crate::{
    boundary, mxtrust_result, mxtrust_result_type, mxtrust_str, non_null, put, static_str,
};

/// DNSSEC status of an RRset lookup.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_dnssec_status {
    /// Validated (secure).
    Secure = 1,
    /// Provably unsigned (insecure).
    Insecure = 2,
    /// Validation failed (bogus).
    Bogus = 3,
    /// The lookup failed (SERVFAIL, timeout).
    LookupError = 4,
}

/// DNSSEC status of the TLSA RRset `_25._tcp.<mx host>`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_tlsa_status {
    /// Validated, with at least one record.
    SecureWithRecords = 1,
    /// Validated denial of existence (NXDOMAIN or NODATA).
    SecureEmpty = 2,
    /// Provably unsigned.
    Insecure = 3,
    /// Validation failed.
    Bogus = 4,
    /// The lookup failed.
    LookupError = 5,
}

/// The domain's MTA-STS state.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_sts_state {
    /// A policy in `enforce` mode.
    Enforce = 1,
    /// A policy in `testing` mode.
    Testing = 2,
    /// A policy in `none` mode.
    None = 3,
    /// No (usable) policy.
    NoPolicy = 4,
}

/// Everything the per-MX decision depends on. Enumerated fields are
/// `uint32_t` holding the named enum's values.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_mx_inputs {
    /// `mxtrust_dnssec_status` of the recipient domain's MX RRset.
    pub mx_rrset: u32,
    /// `mxtrust_dnssec_status` of the MX host's A/AAAA RRsets.
    pub addresses: u32,
    /// `mxtrust_tlsa_status` of the MX host's TLSA RRset.
    pub tlsa: u32,
    /// Whether some TLSA record is usable (read only with
    /// `MXTRUST_TLSA_STATUS_SECURE_WITH_RECORDS`; `mxtrust_tlsa_some_usable`
    /// computes it).
    pub tlsa_some_usable: bool,
    /// `mxtrust_sts_state` of the recipient domain.
    pub sts: u32,
    /// With `ENFORCE` or `TESTING`: whether the policy allows this MX host
    /// (`mxtrust_policy_allows_mx`).
    pub sts_mx_allowed: bool,
}

/// What the MTA must do with one MX host.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_action {
    /// Authenticate with DANE (`mxtrust_dane_verify`); fail closed.
    RequireDane = 1,
    /// STARTTLS is mandatory, the certificate is not authenticated (secure
    /// TLSA RRset, every record unusable).
    RequireTlsUnauthenticated = 2,
    /// Validate per MTA-STS (`mxtrust_sts_check_certificate`); fail closed.
    RequireSts = 3,
    /// Try TLS and validate per MTA-STS, report failures, deliver anyway.
    StsTesting = 4,
    /// Opportunistic TLS.
    Opportunistic = 5,
    /// Do not deliver to this MX; try others (temporary failure if none is
    /// left).
    SkipMx = 6,
    /// Do not deliver to this MX now: its DNS answers cannot be trusted;
    /// retry later.
    Defer = 7,
}

/// The decision for one MX host.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_decision {
    /// What to do.
    pub action: mxtrust_action,
    /// The failure the decision already implies, for the TLSRPT report;
    /// `MXTRUST_RESULT_TYPE_NONE` when none.
    pub report: mxtrust_result_type,
}

fn dnssec(value: u32) -> Result<DnssecStatus, mxtrust_result> {
    Ok(match value {
        1 => DnssecStatus::Secure,
        2 => DnssecStatus::Insecure,
        3 => DnssecStatus::Bogus,
        4 => DnssecStatus::LookupError,
        _ => return Err(mxtrust_result::InvalidParameter),
    })
}

fn core_inputs(c: &mxtrust_mx_inputs) -> Result<MxInputs, mxtrust_result> {
    let tlsa = match c.tlsa {
        1 => TlsaStatus::SecureWithRecords,
        2 => TlsaStatus::SecureEmpty,
        3 => TlsaStatus::Insecure,
        4 => TlsaStatus::Bogus,
        5 => TlsaStatus::LookupError,
        _ => return Err(mxtrust_result::InvalidParameter),
    };
    let sts = match c.sts {
        1 => StsState::Enforce {
            mx_allowed: c.sts_mx_allowed,
        },
        2 => StsState::Testing {
            mx_allowed: c.sts_mx_allowed,
        },
        3 => StsState::None,
        4 => StsState::NoPolicy,
        _ => return Err(mxtrust_result::InvalidParameter),
    };
    Ok(MxInputs {
        mx_rrset: dnssec(c.mx_rrset)?,
        addresses: dnssec(c.addresses)?,
        tlsa,
        tlsa_usability: if c.tlsa_some_usable {
            TlsaUsability::SomeUsable
        } else {
            TlsaUsability::AllUnusable
        },
        sts,
    })
}

/// Decides what to do for one MX host: DANE when the MX, address and TLSA
/// lookups are secure and some TLSA record is usable, whatever MTA-STS says;
/// otherwise MTA-STS; otherwise opportunistic TLS.
///
/// Results: `MXTRUST_RESULT_INVALID_PARAMETER` for an enumerated field with
/// no meaning; `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_mx_decide(
    inputs: *const mxtrust_mx_inputs,
    out_decision: *mut mxtrust_decision,
) -> mxtrust_result {
    boundary(|| {
        non_null(inputs)?;
        non_null(out_decision)?;
        // SAFETY: non-NULL; the caller promises a valid inputs struct.
        let d = decision::decide(core_inputs(unsafe { &*inputs })?);
        put(
            out_decision,
            mxtrust_decision {
                action: mxtrust_action::from_core(d.action),
                report: mxtrust_result_type::from_core(d.report),
            },
        );
        Ok(())
    })
}

impl mxtrust_action {
    fn from_core(action: Action) -> Self {
        match action {
            Action::RequireDane => Self::RequireDane,
            Action::RequireTlsUnauthenticated => Self::RequireTlsUnauthenticated,
            Action::RequireSts => Self::RequireSts,
            Action::StsTesting => Self::StsTesting,
            Action::Opportunistic => Self::Opportunistic,
            Action::SkipMx => Self::SkipMx,
            Action::Defer => Self::Defer,
        }
    }
}

/// The core's actions in the order of `mxtrust_action` values (from 1).
const ACTIONS: [Action; 7] = [
    Action::RequireDane,
    Action::RequireTlsUnauthenticated,
    Action::RequireSts,
    Action::StsTesting,
    Action::Opportunistic,
    Action::SkipMx,
    Action::Defer,
];

/// The stable code of a `mxtrust_action` value, e.g. `"require-dane"`, for
/// logs; empty (`len` 0) for unknown values.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_action_str(action: u32) -> mxtrust_str {
    static_str(|| {
        let index = action.checked_sub(1).and_then(|i| usize::try_from(i).ok());
        index.and_then(|i| ACTIONS.get(i)).map_or("", |a| a.code())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::text_of;

    #[test]
    fn actions_follow_the_c_values_and_give_the_cores_code() {
        for (i, a) in ACTIONS.iter().enumerate() {
            let value = mxtrust_action::from_core(*a) as u32;
            assert_eq!(value as usize, i + 1);
            assert_eq!(text_of(mxtrust_action_str(value)), a.code());
        }
        assert_eq!(text_of(mxtrust_action_str(0)), "");
        assert_eq!(text_of(mxtrust_action_str(8)), "");
    }
}
