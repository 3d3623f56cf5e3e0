//! The committee's proposal at the matching deadline: pair the mentees still
//! without a duo with the mentors still free, one mentee per mentor, as
//! well as possible on the compatibility the suggestions use
//! ([`crate::suggest::compatibility`]).
//!
//! What "as well as possible" means, in order:
//! 1. as many pairs as there can be (nobody left out who could be paired);
//! 2. as many pending requests kept as possible: a mentee's pending request
//!    to a free mentor is their own choice, so that pair is preferred to any
//!    other;
//! 3. the highest total compatibility score.
//!
//! A pair of the same institution (conflict of interest) is never proposed.
//! Ties go one fixed way: members are taken in member-id order, and among
//! the optimal pairings the first mentee (by id) gets the first mentor (by
//! id) that still allows an optimal pairing, then the second mentee, and so
//! on — so the same people always give the same proposal, whatever order
//! they were listed in.
//!
//! The optimum is found with the Hungarian algorithm (O(n³)).

use serde::{Deserialize, Serialize};

/// One candidate pair's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairFacts {
    /// Compatibility score ([`crate::suggest::Compatibility::score`]).
    pub score: u32,
    /// The mentee has a pending request to this mentor.
    pub pending_request: bool,
    /// Same institution: the pair is not allowed.
    pub conflict_of_interest: bool,
}

/// One proposed pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedPair {
    /// The mentee.
    pub mentee_id: String,
    /// The mentor.
    pub mentor_id: String,
    /// The pair's compatibility score.
    pub score: u32,
    /// The mentee had asked this mentor.
    pub pending_request: bool,
}

/// The proposal: pairs in mentee-id order, and who is left over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The pairs.
    pub pairs: Vec<ProposedPair>,
    /// Mentees with no pair (fewer mentors, or only conflicts left).
    pub unpaired_mentees: Vec<String>,
    /// Mentors with no pair.
    pub unpaired_mentors: Vec<String>,
}

/// The weight of a pair for the optimization: pairs first, then kept
/// requests, then score, as one number (0: not allowed).
fn weights(facts: &[Vec<PairFacts>]) -> Vec<Vec<i64>> {
    let n = facts.len().max(facts.first().map_or(0, Vec::len)) as i64;
    let max_score = facts
        .iter()
        .flatten()
        .map(|f| i64::from(f.score))
        .max()
        .unwrap_or(0);
    // Any sum of scores over one pairing is below `request`, any sum of
    // (request + score) below `pair`.
    let request = n * max_score + 1;
    let pair = n * (request + max_score) + 1;
    facts
        .iter()
        .map(|row| {
            row.iter()
                .map(|f| {
                    if f.conflict_of_interest {
                        0
                    } else {
                        pair + if f.pending_request { request } else { 0 } + i64::from(f.score)
                    }
                })
                .collect()
        })
        .collect()
}

/// The largest total weight of a matching in `w` (rows x columns, 0 = no
/// edge) restricted to rows `rows` and columns `cols`, with the row -> column
/// choice. Hungarian algorithm on the padded square matrix (min cost of
/// `big - w`).
fn best(w: &[Vec<i64>], rows: &[usize], cols: &[usize]) -> (i64, Vec<Option<usize>>) {
    let k = rows.len().max(cols.len());
    if k == 0 {
        return (0, vec![None; rows.len()]);
    }
    let big = w.iter().flatten().copied().max().unwrap_or(0);
    let weight = |i: usize, j: usize| -> i64 {
        if i < rows.len() && j < cols.len() {
            w[rows[i]][cols[j]]
        } else {
            0
        }
    };
    let cost = |i: usize, j: usize| big - weight(i, j);
    // 1-based potentials u (rows), v (columns); p[j] = row matched to column j.
    let inf = i64::MAX / 4;
    let mut u = vec![0i64; k + 1];
    let mut v = vec![0i64; k + 1];
    let mut p = vec![0usize; k + 1];
    let mut way = vec![0usize; k + 1];
    for i in 1..=k {
        p[0] = i;
        let mut j0 = 0usize;
        let mut minv = vec![inf; k + 1];
        let mut used = vec![false; k + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = inf;
            let mut j1 = 0usize;
            for j in 1..=k {
                if !used[j] {
                    let cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=k {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut choice = vec![None; rows.len()];
    let mut total = 0;
    for j in 1..=k {
        let i = p[j];
        if i >= 1 && i - 1 < rows.len() && j - 1 < cols.len() {
            let wij = weight(i - 1, j - 1);
            if wij > 0 {
                choice[i - 1] = Some(cols[j - 1]);
                total += wij;
            }
        }
    }
    (total, choice)
}

/// The proposal for `mentees` and `mentors` (any order; ids distinct), with
/// `facts(mentee, mentor)` giving each pair's facts.
pub fn propose<F>(mentees: &[String], mentors: &[String], facts: F) -> Proposal
where
    F: Fn(&str, &str) -> PairFacts,
{
    let mut mentees: Vec<&String> = mentees.iter().collect();
    mentees.sort();
    mentees.dedup();
    let mut mentors: Vec<&String> = mentors.iter().collect();
    mentors.sort();
    mentors.dedup();
    let table: Vec<Vec<PairFacts>> = mentees
        .iter()
        .map(|me| mentors.iter().map(|mo| facts(me, mo)).collect())
        .collect();
    let w = weights(&table);
    let all_cols: Vec<usize> = (0..mentors.len()).collect();
    let all_rows: Vec<usize> = (0..mentees.len()).collect();
    let (optimum, _) = best(&w, &all_rows, &all_cols);
    // Fix the choices one mentee at a time: the first mentor (by id) that
    // still allows the optimum, else no mentor.
    let mut fixed: Vec<Option<usize>> = Vec::with_capacity(mentees.len());
    let mut fixed_weight = 0i64;
    let mut free_cols = all_cols.clone();
    for i in 0..mentees.len() {
        let rest: Vec<usize> = ((i + 1)..mentees.len()).collect();
        let mut chosen = None;
        for (pos, &j) in free_cols.iter().enumerate() {
            if w[i][j] == 0 {
                continue;
            }
            let mut cols = free_cols.clone();
            cols.remove(pos);
            let (rest_best, _) = best(&w, &rest, &cols);
            if fixed_weight + w[i][j] + rest_best == optimum {
                chosen = Some((pos, j));
                break;
            }
        }
        match chosen {
            Some((pos, j)) => {
                fixed_weight += w[i][j];
                free_cols.remove(pos);
                fixed.push(Some(j));
            }
            None => fixed.push(None),
        }
    }
    let mut proposal = Proposal::default();
    for (i, choice) in fixed.iter().enumerate() {
        match choice {
            Some(j) => {
                let f = table[i][*j];
                proposal.pairs.push(ProposedPair {
                    mentee_id: mentees[i].clone(),
                    mentor_id: mentors[*j].clone(),
                    score: f.score,
                    pending_request: f.pending_request,
                });
            }
            None => proposal.unpaired_mentees.push(mentees[i].clone()),
        }
    }
    proposal.unpaired_mentors = free_cols.iter().map(|&j| mentors[j].clone()).collect();
    proposal
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator (no dependency): xorshift.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn ids(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    /// The best key (pairs, kept requests, total score) and its pairing.
    type Best = ((usize, usize, u32), Vec<Option<usize>>);

    /// Every pairing, by brute force: the best (pairs, requests, score)
    /// and, among the best, the first in mentee-then-mentor id order.
    fn brute(table: &[Vec<PairFacts>]) -> Best {
        fn go(
            table: &[Vec<PairFacts>],
            i: usize,
            used: &mut Vec<bool>,
            cur: &mut Vec<Option<usize>>,
            best: &mut Option<Best>,
        ) {
            if i == table.len() {
                let mut key = (0, 0, 0);
                for (r, c) in cur.iter().enumerate() {
                    if let Some(c) = c {
                        let f = table[r][*c];
                        key.0 += 1;
                        key.1 += usize::from(f.pending_request);
                        key.2 += f.score;
                    }
                }
                // Options are explored mentor 0.., then none: the first
                // found among equals is the tie rule's choice.
                if best.as_ref().is_none_or(|(k, _)| key > *k) {
                    *best = Some((key, cur.clone()));
                }
                return;
            }
            for c in 0..used.len() {
                if !used[c] && !table[i][c].conflict_of_interest {
                    used[c] = true;
                    cur.push(Some(c));
                    go(table, i + 1, used, cur, best);
                    cur.pop();
                    used[c] = false;
                }
            }
            cur.push(None);
            go(table, i + 1, used, cur, best);
            cur.pop();
        }
        let cols = table.first().map_or(0, Vec::len);
        let mut best = None;
        go(table, 0, &mut vec![false; cols], &mut Vec::new(), &mut best);
        best.unwrap()
    }

    fn table_of(rng: &mut Rng, rows: usize, cols: usize) -> Vec<Vec<PairFacts>> {
        (0..rows)
            .map(|_| {
                (0..cols)
                    .map(|_| PairFacts {
                        score: rng.below(4) as u32 * 3 + rng.below(2) as u32,
                        pending_request: rng.below(6) == 0,
                        conflict_of_interest: rng.below(5) == 0,
                    })
                    .collect()
            })
            .collect()
    }

    fn run(table: &[Vec<PairFacts>]) -> Proposal {
        run_with(table, table.first().map_or(0, Vec::len))
    }

    fn run_with(table: &[Vec<PairFacts>], cols: usize) -> Proposal {
        let mentees = ids("e", table.len());
        let mentors = ids("o", cols);
        propose(&mentees, &mentors, |me, mo| {
            let i: usize = me[1..].parse().unwrap();
            let j: usize = mo[1..].parse().unwrap();
            table[i][j]
        })
    }

    #[test]
    fn optimal_on_small_cases_checked_by_brute_force() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        let mut checked = 0;
        for rows in 0..=5 {
            for cols in 0..=5 {
                for _ in 0..12 {
                    let table = table_of(&mut rng, rows, cols);
                    let (key, choice) = brute(&table);
                    let p = run_with(&table, cols);
                    let got = (
                        p.pairs.len(),
                        p.pairs.iter().filter(|x| x.pending_request).count(),
                        p.pairs.iter().map(|x| x.score).sum::<u32>(),
                    );
                    assert_eq!(got, key, "optimum of {table:?}");
                    let expected: Vec<(String, String)> = choice
                        .iter()
                        .enumerate()
                        .filter_map(|(i, c)| c.map(|c| (format!("e{i}"), format!("o{c}"))))
                        .collect();
                    let pairs: Vec<(String, String)> = p
                        .pairs
                        .iter()
                        .map(|x| (x.mentee_id.clone(), x.mentor_id.clone()))
                        .collect();
                    assert_eq!(pairs, expected, "tie rule on {table:?}");
                    assert_eq!(p.pairs.len() + p.unpaired_mentees.len(), rows);
                    assert_eq!(p.pairs.len() + p.unpaired_mentors.len(), cols);
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 36 * 12);
    }

    fn plain(score: u32) -> PairFacts {
        PairFacts {
            score,
            pending_request: false,
            conflict_of_interest: false,
        }
    }

    #[test]
    fn the_best_total_beats_the_greedy_choice() {
        // Greedy would give e0 the 9 and leave e1 with 0: 9 + 0 < 8 + 8.
        let table = vec![vec![plain(9), plain(8)], vec![plain(8), plain(0)]];
        let p = run(&table);
        let pairs: Vec<_> = p
            .pairs
            .iter()
            .map(|x| (x.mentee_id.as_str(), x.mentor_id.as_str(), x.score))
            .collect();
        assert_eq!(pairs, [("e0", "o1", 8), ("e1", "o0", 8)]);
    }

    #[test]
    fn pending_requests_and_conflicts_decide_before_scores() {
        let mut asked = plain(0);
        asked.pending_request = true;
        let mut coi = plain(12);
        coi.conflict_of_interest = true;
        // e0 asked o1; o0 is e0's own institution; e1 fits o1 best.
        let table = vec![vec![coi, asked], vec![plain(3), plain(12)]];
        let p = run(&table);
        let pairs: Vec<_> = p
            .pairs
            .iter()
            .map(|x| {
                (
                    x.mentee_id.as_str(),
                    x.mentor_id.as_str(),
                    x.pending_request,
                )
            })
            .collect();
        assert_eq!(pairs, [("e0", "o1", true), ("e1", "o0", false)]);
        // only a conflict left: nobody is paired across it
        let p = run(&[vec![coi]]);
        assert!(p.pairs.is_empty());
        assert_eq!(p.unpaired_mentees, ["e0"]);
        assert_eq!(p.unpaired_mentors, ["o0"]);
    }

    #[test]
    fn ties_are_deterministic_whatever_the_input_order() {
        let facts = |_: &str, _: &str| plain(1);
        let a = propose(
            &["b".into(), "a".into(), "c".into()],
            &["y".into(), "x".into()],
            facts,
        );
        let b = propose(
            &["c".into(), "a".into(), "b".into()],
            &["x".into(), "y".into()],
            facts,
        );
        assert_eq!(a, b);
        let pairs: Vec<_> = a
            .pairs
            .iter()
            .map(|x| (x.mentee_id.as_str(), x.mentor_id.as_str()))
            .collect();
        assert_eq!(pairs, [("a", "x"), ("b", "y")]);
        assert_eq!(a.unpaired_mentees, ["c"]);
        assert!(a.unpaired_mentors.is_empty());
    }

    #[test]
    fn twenty_five_by_twenty_five_is_quick_and_complete() {
        let mut rng = Rng(42);
        let table = table_of(&mut rng, 25, 25);
        let p = run(&table);
        // one conflict in five: nearly everyone can still be paired
        assert!(p.pairs.len() >= 20, "{}", p.pairs.len());
        let mut mentors: Vec<_> = p.pairs.iter().map(|x| x.mentor_id.clone()).collect();
        mentors.sort();
        mentors.dedup();
        assert_eq!(mentors.len(), p.pairs.len(), "one mentee per mentor");
    }
}
