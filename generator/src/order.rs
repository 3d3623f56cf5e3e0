//! The listings' order, kept from one change to the next: the listed
//! profiles in directory order (by name, then slug), and per expertise term
//! the ones listing it, as the directory and term pages show them.
//!
//! Ordering 10,000 profiles costs milliseconds (most of it reading each
//! profile's sort key and terms from memory), and a change moves one or two
//! of them: the [`Site`] keeps the [`Order`] it computed once and each
//! change of a profile, a file or a listing state takes out the profile's
//! old entries and puts its new ones in, by binary search. A change the
//! site does not follow profile by profile (a refreshed store) drops it;
//! [`Site::order`] then computes it afresh.

use crate::profiles::Mentor;
use crate::site::Site;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;

/// Where a listed profile's compiled [`Mentor`] is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// `Site::yaml[i]`.
    Yaml(usize),
    /// The store's profile of this member.
    Store(String),
}

/// A listed profile in a listing: what orders it and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Slot {
    pub sort_key: String,
    pub slug: String,
    pub place: Place,
}

impl Slot {
    /// What the listings are ordered by: the sort key, then the slug.
    pub(crate) fn key(&self) -> (&str, &str) {
        (&self.sort_key, &self.slug)
    }
}

/// A profile as the listings have it: its slot and the terms it is listed
/// under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedAs {
    slot: Slot,
    terms: Vec<String>,
}

/// The listed profiles in directory order, and per term slug the ones
/// listing it, in the same order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Order {
    pub directory: Vec<Slot>,
    pub by_term: HashMap<String, Vec<Slot>>,
}

impl Order {
    /// The order of every listed profile of `site`, computed afresh.
    ///
    /// It runs between loading and rendering, where nothing else does:
    /// the slots (copies of each profile's sort key and slug) are made,
    /// sorted and sorted into terms on every thread.
    pub(crate) fn of(site: &Site) -> Order {
        let mut listed: Vec<ListedAs> = site
            .places()
            .into_par_iter()
            .filter_map(|(m, place)| site.listed_as(m, place))
            .collect();
        listed.par_sort_unstable_by(|a, b| a.slot.key().cmp(&b.slot.key()));
        let mut terms: Vec<&str> = listed
            .iter()
            .flat_map(|l| l.terms.iter().map(String::as_str))
            .collect();
        terms.sort_unstable();
        terms.dedup();
        let by_term = terms
            .par_iter()
            .map(|&term| {
                let slots = listed
                    .iter()
                    .filter(|l| l.terms.iter().any(|t| t == term))
                    .map(|l| l.slot.clone())
                    .collect();
                (term.to_string(), slots)
            })
            .collect();
        let directory = listed.into_iter().map(|l| l.slot).collect();
        Order { directory, by_term }
    }

    /// The profiles listing term `slug`, in order.
    pub(crate) fn term(&self, slug: &str) -> &[Slot] {
        self.by_term.get(slug).map_or(&[], Vec::as_slice)
    }

    /// Takes `from` out and puts `to` in (either may be `None`: the profile
    /// was or is not listed).
    pub(crate) fn replace(&mut self, from: Option<&ListedAs>, to: Option<&ListedAs>) {
        if let Some(from) = from {
            remove(&mut self.directory, &from.slot);
            for t in &from.terms {
                if let Some(v) = self.by_term.get_mut(t) {
                    remove(v, &from.slot);
                    if v.is_empty() {
                        self.by_term.remove(t);
                    }
                }
            }
        }
        if let Some(to) = to {
            insert(&mut self.directory, &to.slot);
            for t in &to.terms {
                insert(self.by_term.entry(t.clone()).or_default(), &to.slot);
            }
        }
    }

    /// Follows the YAML profiles from index `from` on moving by `by` (a
    /// file's profile inserted before them, or removed).
    pub(crate) fn shift_yaml(&mut self, from: usize, by: isize) {
        let slots = self
            .directory
            .iter_mut()
            .chain(self.by_term.values_mut().flatten());
        for slot in slots {
            if let Place::Yaml(i) = &mut slot.place {
                if *i >= from {
                    *i = i.wrapping_add_signed(by);
                }
            }
        }
    }
}

/// Removes `slot` (by its key) from the ordered `v`, if there.
fn remove(v: &mut Vec<Slot>, slot: &Slot) {
    if let Ok(at) = v.binary_search_by(|s| s.key().cmp(&slot.key())) {
        v.remove(at);
    }
}

/// Inserts `slot` into the ordered `v` where its key goes.
fn insert(v: &mut Vec<Slot>, slot: &Slot) {
    let at = v.partition_point(|s| s.key() < slot.key());
    v.insert(at, slot.clone());
}

impl Site {
    /// Every profile in effect with where it is kept: the store's, and the
    /// YAML ones the store does not replace.
    fn places(&self) -> Vec<(&Mentor, Place)> {
        let store = self
            .store
            .iter()
            .map(|(id, (_, m))| (m, Place::Store(id.clone())));
        let yaml = self
            .yaml
            .iter()
            .enumerate()
            .filter(|(_, m)| self.in_effect(m))
            .map(|(i, m)| (m, Place::Yaml(i)));
        store.chain(yaml).collect()
    }

    /// How the listings have `m`, kept at `place`: `None` when it is
    /// paused, or a YAML profile the store replaces.
    pub(crate) fn listed_as(&self, m: &Mentor, place: Place) -> Option<ListedAs> {
        let in_effect = matches!(place, Place::Store(_)) || self.in_effect(m);
        (in_effect && !self.listing(m).paused).then(|| ListedAs {
            slot: Slot {
                sort_key: m.sort_key.clone(),
                slug: m.slug.clone(),
                place,
            },
            terms: m.terms.iter().map(|t| t.slug.clone()).collect(),
        })
    }

    /// How the listings have the profile in effect for `member_id`.
    pub(crate) fn listed_member(&self, member_id: &str) -> Option<ListedAs> {
        if let Some((_, m)) = self.store.get(member_id) {
            return self.listed_as(m, Place::Store(member_id.to_string()));
        }
        let &i = self.yaml_by_member.get(member_id)?;
        self.listed_as(&self.yaml[i], Place::Yaml(i))
    }

    /// The listed profile kept at `place`.
    pub(crate) fn mentor_at(&self, place: &Place) -> Option<&Mentor> {
        match place {
            Place::Yaml(i) => self.yaml.get(*i),
            Place::Store(id) => self.store.get(id).map(|(_, m)| m),
        }
    }

    /// The listings' order: the kept one, else computed afresh.
    pub(crate) fn order(&self) -> Cow<'_, Order> {
        match &self.order {
            Some(order) => Cow::Borrowed(order),
            None => Cow::Owned(Order::of(self)),
        }
    }

    /// Keeps the listings' order, computing it if it was dropped: the
    /// changes that follow update it instead of ordering every profile.
    pub(crate) fn keep_order(&mut self) {
        if self.order.is_none() {
            self.order = Some(Order::of(self));
        }
    }

    /// Follows the YAML profiles from index `from` on in the kept order
    /// (if any) as they move by `by`.
    pub(crate) fn shift_yaml(&mut self, from: usize, by: isize) {
        if let Some(order) = &mut self.order {
            order.shift_yaml(from, by);
        }
    }

    /// Updates the kept order (if any) for a profile that was listed as
    /// `from` and is now listed as `to`.
    pub(crate) fn relist(&mut self, from: Option<&ListedAs>, to: Option<&ListedAs>) {
        if from != to {
            if let Some(order) = &mut self.order {
                order.replace(from, to);
            }
        }
    }
}
