//! Balancing the liaisons' load: when the chair assigns or reassigns a
//! duo's liaison, the committee members are suggested fewest running duos
//! first (ties by member id), never one of the duo's own pair. The chair
//! may pick anyone on the committee; [`crate::duo::Duo::assign_liaison`]
//! checks the choice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One committee member as a possible liaison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiaisonOption {
    /// The committee member.
    pub member_id: String,
    /// How many running duos they support now.
    pub duos: u32,
    /// The first option: the one with the fewest duos.
    pub suggested: bool,
}

/// Everyone who may be a liaison (`committee`: the members and the chair),
/// fewest duos first by `loads` ([`crate::duo::liaison_loads`]), ties by
/// id, without `exclude` (the duo's mentor and mentee) and without
/// repeats. The first is marked `suggested`.
pub fn liaison_options(
    committee: &[String],
    loads: &BTreeMap<String, u32>,
    exclude: &[&str],
) -> Vec<LiaisonOption> {
    let mut out: Vec<LiaisonOption> = Vec::new();
    for m in committee {
        if exclude.contains(&m.as_str()) || out.iter().any(|o| &o.member_id == m) {
            continue;
        }
        out.push(LiaisonOption {
            member_id: m.clone(),
            duos: loads.get(m).copied().unwrap_or(0),
            suggested: false,
        });
    }
    out.sort_by(|a, b| {
        a.duos
            .cmp(&b.duos)
            .then_with(|| a.member_id.cmp(&b.member_id))
    });
    if let Some(first) = out.first_mut() {
        first.suggested = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewest_duos_first_ties_by_id_without_the_pair() {
        let committee: Vec<String> = ["c3", "c1", "c2", "chair", "c1"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let loads: BTreeMap<String, u32> = [("c1".to_owned(), 2), ("c3".to_owned(), 1)]
            .into_iter()
            .collect();
        let options = liaison_options(&committee, &loads, &["c2"]);
        let got: Vec<(&str, u32, bool)> = options
            .iter()
            .map(|o| (o.member_id.as_str(), o.duos, o.suggested))
            .collect();
        assert_eq!(
            got,
            [("chair", 0, true), ("c3", 1, false), ("c1", 2, false)]
        );
        assert!(liaison_options(&[], &loads, &[]).is_empty());
        let tied = liaison_options(&committee[..2], &BTreeMap::new(), &[]);
        assert_eq!(tied[0].member_id, "c1");
    }
}
