//! The listings' pages: how the directory and the term pages are cut into
//! pages of [`CARDS_PER_PAGE`] cards, their URLs and output files, and the
//! `paginator` their templates see.

use serde::Serialize;
use std::path::PathBuf;

/// How many cards a page of the directory or of a term lists when its
/// template shows `paginator` (see [`Templates::paged`]); longer listings
/// continue on `<url>page/2/`, `<url>page/3/`, ...
pub const CARDS_PER_PAGE: usize = 100;

/// The folder under a listing's URL that holds its further pages
/// (`/members/mentors/page/`): no profile may take it as its slug.
pub const PAGES_SEGMENT: &str = "page";

/// URL of page `number` (from 1) of the listing at `url` (ending in `/`).
pub fn listing_page_url(url: &str, number: usize) -> String {
    if number <= 1 {
        url.to_string()
    } else {
        format!("{url}{PAGES_SEGMENT}/{number}/")
    }
}

/// Output file of page `number` of the listing at `url` (`/members/...`).
pub fn listing_page_output(url: &str, number: usize) -> PathBuf {
    let url = listing_page_url(url, number);
    PathBuf::from(format!("{}index.html", url.trim_start_matches('/')))
}

/// A page link of a listing (`paginator.pages`).
#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}

/// `paginator` of the directory and term templates: which page of the
/// listing this is and where the others are.
#[derive(Serialize)]
pub(crate) struct Paginator {
    /// This page, from 1.
    number: usize,
    /// How many pages the listing has.
    count: usize,
    per_page: usize,
    /// Positions (from 1) of the first and last card of this page; 0 and 0
    /// on an empty listing.
    first: usize,
    last: usize,
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

impl Paginator {
    pub(crate) fn of(url: &str, number: usize, len: usize, per_page: usize) -> Paginator {
        let count = len.div_ceil(per_page).max(1);
        let link = |n: usize| (1..=count).contains(&n).then(|| listing_page_url(url, n));
        let first = ((number - 1) * per_page + 1).min(len);
        Paginator {
            number,
            count,
            per_page,
            first,
            last: (number * per_page).min(len),
            previous: link(number.wrapping_sub(1)),
            next: link(number + 1),
            pages: (1..=count)
                .map(|n| PageLink {
                    number: n,
                    url: listing_page_url(url, n),
                    current: n == number,
                })
                .collect(),
        }
    }
}
