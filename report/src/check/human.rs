//! The live-check report for people: the verdict and findings, one line
//! per MX host, address and key type, then the details.

use std::fmt::Write as _;

use super::document::*;
use crate::dane::{abbreviate, table};

impl CheckReport {
    /// The exit status: 0 authenticated (or no mail), 1 findings.
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
    }

    /// The report for people: the verdict and findings, one line per MX
    /// host, address and key type, then the details.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.headline());
        for f in &self.findings {
            let _ = writeln!(out, "  - {}: {}", f.subject, f.message);
        }
        let _ = writeln!(
            out,
            "checked at {}; {}",
            crate::time::format(self.time),
            self.dns_words()
        );
        let rows: Vec<[String; 6]> = self
            .hosts
            .iter()
            .flat_map(|h| {
                h.connections.iter().map(move |c| {
                    [
                        h.host.clone(),
                        c.address.clone().unwrap_or_else(|| "-".to_owned()),
                        c.key_type.map_or("-", key_name).to_owned(),
                        h.decision.action.to_owned(),
                        c.verdict.to_owned(),
                        c.reason.clone(),
                    ]
                })
            })
            .collect();
        if !rows.is_empty() {
            out.push('\n');
            table(
                &mut out,
                ["MX host", "address", "key", "decision", "verdict", "reason"],
                &rows,
            );
        }
        out.push('\n');
        self.details(&mut out);
        out
    }

    fn headline(&self) -> String {
        let n = self.findings.len();
        match self.outcome {
            "authenticated" => format!(
                "authenticated: every MX host of {} is authenticated, at every address and key type",
                self.domain
            ),
            "no-mail" => format!(
                "no-mail: {} publishes a null MX (RFC 7505): it accepts no mail, nothing to check",
                self.domain
            ),
            _ => format!("findings: {n} for {}", self.domain,),
        }
    }

    fn dns_words(&self) -> String {
        match &self.dns.trust_anchors {
            Some(anchors) => format!(
                "DNSSEC validated by mxtrust from {anchors}, through {}",
                self.dns.resolver
            ),
            None => format!(
                "DNSSEC status from the AD bit of {} (the resolver's claim)",
                self.dns.resolver
            ),
        }
    }

    fn details(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "MX {}: {} ({}){}",
            self.mx.answer.name,
            if self.mx.records.is_empty() {
                self.mx.answer.found.to_owned()
            } else {
                self.mx.records.join(", ")
            },
            self.mx.answer.dnssec,
            detail_words(&self.mx.answer)
        );
        let _ = writeln!(out, "  route: {}", self.mx.route);
        self.sts_details(out);
        let t = &self.tlsrpt;
        let _ = match t.report.as_ref().and_then(|r| r.rua.as_ref()) {
            Some(rua) if !rua.is_empty() => writeln!(
                out,
                "TLSRPT {}: rua {} ({})",
                t.record.name,
                rua.iter()
                    .map(|u| u.uri.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                t.record.dnssec
            ),
            _ => writeln!(
                out,
                "TLSRPT {}: none ({}, {}){}",
                t.record.name,
                t.record.found,
                t.record.dnssec,
                detail_words(&t.record)
            ),
        };
        for host in &self.hosts {
            host.details(out);
        }
    }

    fn sts_details(&self, out: &mut String) {
        let s = &self.mta_sts;
        let _ = match (&s.id, &s.no_record) {
            (Some(id), _) => writeln!(
                out,
                "MTA-STS {}: id {id} ({})",
                s.record.name, s.record.dnssec
            ),
            (None, Some(why)) => writeln!(
                out,
                "MTA-STS {}: no policy: {why} ({}){}",
                s.record.name,
                s.record.dnssec,
                detail_words(&s.record)
            ),
            (None, None) => Ok(()),
        };
        if let Some(f) = &s.fetch {
            let status = f.status.map(|s| format!("HTTP {s}")).unwrap_or_default();
            let _ = match &f.error {
                Some(e) => writeln!(out, "  policy {}: {status} failed: {e}", f.url),
                None => writeln!(out, "  policy {}: {status}", f.url),
            };
        }
        if let Some(p) = &s.policy {
            for line in p.human("policy").lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        let _ = writeln!(out, "  a sender applies: {}", s.state);
    }
}

impl HostReport {
    fn details(&self, out: &mut String) {
        let _ = writeln!(out, "\n{} (preference {})", self.host, self.preference);
        let addresses: Vec<String> = self
            .addresses
            .iter()
            .map(|a| {
                format!(
                    "{} ({}){}",
                    a.found,
                    a.dnssec,
                    if a.cnames.is_empty() {
                        String::new()
                    } else {
                        format!(" via {}", a.cnames.join(", "))
                    }
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  addresses: {} [A: {}; AAAA: {}]",
            if self.address_list.is_empty() {
                "none".to_owned()
            } else {
                self.address_list.join(", ")
            },
            addresses.first().map(String::as_str).unwrap_or_default(),
            addresses.get(1).map(String::as_str).unwrap_or_default()
        );
        for t in &self.tlsa {
            let _ = writeln!(
                out,
                "  TLSA {}: {} ({}){}",
                t.answer.name,
                if t.records.is_empty() {
                    t.answer.found.to_owned()
                } else {
                    t.records
                        .iter()
                        .map(|r| abbreviate(r))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                t.answer.dnssec,
                detail_words(&t.answer)
            );
        }
        if let Some(why) = self.tlsa_not_asked {
            let _ = writeln!(
                out,
                "  TLSA: not asked ({})",
                match why {
                    "not-applicable" =>
                        "the host's address answer is not DNSSEC-signed: DANE does not apply",
                    "indeterminate" => "the host's address answers cannot be trusted",
                    _ => why,
                }
            );
        }
        if let Some(allowed) = self.sts_mx_allowed {
            let _ = writeln!(
                out,
                "  MTA-STS: {}",
                if allowed {
                    "the policy lists this host"
                } else {
                    "the policy does not list this host"
                }
            );
        }
        let _ = writeln!(
            out,
            "  decision: {}: {}{}",
            self.decision.action,
            self.decision.description,
            self.decision
                .tlsrpt_result_type
                .map(|t| format!(" [TLSRPT {t}]"))
                .unwrap_or_default()
        );
        for note in &self.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        for c in self.connections.iter().filter(|c| c.address.is_some()) {
            let label = match c.key_type {
                Some(k) => format!(
                    "{} {}",
                    c.address.as_deref().unwrap_or_default(),
                    key_name(k)
                ),
                None => c.address.clone().unwrap_or_default(),
            };
            let tls = c
                .tls
                .as_ref()
                .map(|t| format!(" {} {}", t.version, t.cipher))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {label}:{tls} {}{}",
                c.verdict,
                c.tlsrpt_result_type
                    .map(|t| format!(" [TLSRPT {t}]"))
                    .unwrap_or_default()
            );
            if let Some(e) = &c.error {
                let _ = writeln!(out, "    {}: {}", e.code, e.message);
            }
            if let Some(dane) = &c.dane {
                for r in &dane.records {
                    let _ = writeln!(
                        out,
                        "    TLSA record {}: {} {}{}",
                        r.index,
                        abbreviate(&r.record),
                        r.status,
                        r.reason
                            .as_deref()
                            .map(|why| format!(": {why}"))
                            .unwrap_or_default()
                    );
                }
                for hint in &dane.hints {
                    let _ = writeln!(out, "    hint: {}", hint.message);
                }
            }
            if let Some(sts) = &c.sts {
                let _ = writeln!(
                    out,
                    "    MTA-STS certificate check: {}{}",
                    sts.certificate,
                    sts.failure
                        .as_deref()
                        .map(|f| format!(": {f}"))
                        .unwrap_or_default()
                );
            }
            for cert in &c.chain {
                for line in cert.human().lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
    }
}

fn detail_words(a: &AnswerReport) -> String {
    a.detail
        .as_deref()
        .map(|d| format!(": {d}"))
        .unwrap_or_default()
}
