//! What each Lambda function needs from AWS: the routes the HTTP API sends
//! it, the DynamoDB actions its code calls, whether it mails, reads the
//! members bucket or the secrets. `infra/template.yaml` grants exactly this
//! (least privilege), and `tests/infra_template.rs` holds the two together:
//! every route of [`crate::router::ROUTES`] is in the template once, on the
//! function listed here; every function's IAM policy has exactly these
//! DynamoDB actions; the table's keys are the store's.
//!
//! # Store calls and DynamoDB actions
//!
//! | [`crate::store::Store`] method | IAM action |
//! |---|---|
//! | `get` | `dynamodb:GetItem` |
//! | `get_many` | `dynamodb:BatchGetItem` |
//! | `put` | `dynamodb:PutItem` |
//! | `update` | `dynamodb:UpdateItem` |
//! | `delete` | `dynamodb:DeleteItem` |
//! | `query` (table or `gsi1`) | `dynamodb:Query` (on the table's and the index's ARN) |
//! | `transact` | `dynamodb:TransactWriteItems` **and** the item-level action of every op it may hold: `dynamodb:ConditionCheckItem`, `dynamodb:PutItem`, `dynamodb:UpdateItem`, `dynamodb:DeleteItem` (IAM checks each op of a transaction against its own action) |

/// A DynamoDB IAM action.
pub type Action = &'static str;

/// `Store::get`.
pub const GET: Action = "dynamodb:GetItem";
/// `Store::get_many`.
pub const BATCH_GET: Action = "dynamodb:BatchGetItem";
/// `Store::put`.
pub const PUT: Action = "dynamodb:PutItem";
/// `Store::update`.
pub const UPDATE: Action = "dynamodb:UpdateItem";
/// `Store::delete`.
pub const DELETE: Action = "dynamodb:DeleteItem";
/// `Store::query` (table and index).
pub const QUERY: Action = "dynamodb:Query";
/// `Store::transact`, which also needs [`TRANSACT_ITEM_ACTIONS`].
pub const TRANSACT: Action = "dynamodb:TransactWriteItems";
/// `TransactOp::Check`.
pub const CONDITION_CHECK: Action = "dynamodb:ConditionCheckItem";
/// The item-level actions a `transact` call may contain (one per
/// [`crate::store::TransactOp`] variant).
pub const TRANSACT_ITEM_ACTIONS: [Action; 4] = [CONDITION_CHECK, PUT, UPDATE, DELETE];

/// An HTTP API route: method and path template (`{id}` is one segment,
/// `{proxy+}` the rest of the path), as in the template's `HttpApi` events.
pub type Route = (&'static str, &'static str);

/// One Lambda function of `infra/template.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionSpec {
    /// The function's name (`duos_lambda::Function::name`).
    pub name: &'static str,
    /// Its resource in `infra/template.yaml`.
    pub logical_id: &'static str,
    /// The cargo binary (`lambda/src/bin/<binary>.rs`), the SAM `BuildProperties.Binary`.
    pub binary: &'static str,
    /// The routes the HTTP API sends it (none for the scheduled job).
    pub routes: &'static [Route],
    /// The DynamoDB actions its code calls (see the module docs).
    pub dynamodb_actions: &'static [Action],
    /// Sends mail: `ses:SendEmail` on the sender identity.
    pub mails: bool,
    /// Reads `members/*` of the members bucket (`s3:GetObject`, and
    /// `s3:ListBucket` on the `members/` prefix so a missing page is a 404).
    pub reads_members_bucket: bool,
    /// Publishes profile changes into `members/*` of the members bucket
    /// (`s3:PutObject`, `s3:DeleteObject`; [`crate::publish`]), rendering
    /// them from the site root (`DUOS_SITE_ROOT`, the `SiteLayer`).
    pub publishes_members: bool,
    /// Reads the session secret (`ssm:GetParameter`).
    pub reads_session_secret: bool,
    /// Reads the survey HMAC secret (`ssm:GetParameter`).
    pub reads_survey_secret: bool,
    /// Run by EventBridge Scheduler, not by the HTTP API.
    pub scheduled: bool,
}

impl FunctionSpec {
    /// Whether the function needs `dynamodb:<action>`.
    pub fn calls(&self, action: &str) -> bool {
        self.dynamodb_actions.contains(&action)
    }

    /// Whether the HTTP API sends `method path` (a concrete path or a
    /// template) to this function.
    pub fn serves(&self, method: &str, path: &str) -> bool {
        self.routes.iter().any(|(m, p)| *m == method && *p == path)
    }
}

/// Sign-in: the roster and e-mail lookups, the caller's applications
/// ([`crate::roles`]) (get); linking a provider account and spending a
/// sign-in state once (conditional put), see [`crate::roster`].
const SIGN_IN: [Action; 2] = [GET, PUT];
/// The `session` function: [`SIGN_IN`], and the members area
/// ([`crate::members_area`]): the per-member pages and the committee's
/// report read (get, query, and the signed-in caller's batch read,
/// [`crate::roles::signed_in`]); they write nothing. The survey pages also
/// need the survey secret (whether one has answered an anonymous survey).
const SESSION: [Action; 4] = [SIGN_IN[0], SIGN_IN[1], QUERY, BATCH_GET];
/// What the scheduled job does: reads (get, query) and its transactions
/// with their audit entries, and claims (put, update, delete).
const READ_WRITE: [Action; 7] = [GET, QUERY, PUT, UPDATE, DELETE, TRANSACT, CONDITION_CHECK];
/// What every API function does: [`READ_WRITE`] (its handlers' reads and
/// transactions, `Idempotency-Key` claims, [`crate::idempotency`]) and the
/// signed-in caller's batch read ([`crate::roles::signed_in`]).
const API: [Action; 8] = [
    GET,
    BATCH_GET,
    QUERY,
    PUT,
    UPDATE,
    DELETE,
    TRANSACT,
    CONDITION_CHECK,
];

/// Every function, in the template's order.
pub const FUNCTIONS: &[FunctionSpec] = &[
    FunctionSpec {
        name: "applications",
        logical_id: "ApplicationsFunction",
        binary: "applications",
        routes: &[
            ("POST", "/api/applications"),
            ("GET", "/api/applications"),
            ("POST", "/api/applications/{id}/approve"),
            ("POST", "/api/applications/{id}/decline"),
            ("POST", "/api/applications/{id}/withdraw"),
            ("POST", "/api/offers/{id}/confirm"),
            ("POST", "/api/alumni/volunteer"),
            ("GET", "/api/profile"),
            ("POST", "/api/profile"),
            ("POST", "/api/profile/pause"),
            ("POST", "/api/profile/resume"),
            ("POST", "/api/profile/relist"),
        ],
        dynamodb_actions: &API,
        mails: true,
        reads_members_bucket: false,
        publishes_members: true,
        reads_session_secret: true,
        reads_survey_secret: false,
        scheduled: false,
    },
    FunctionSpec {
        name: "nominations",
        logical_id: "NominationsFunction",
        binary: "nominations",
        routes: &[
            ("POST", "/api/nominations"),
            ("POST", "/api/nominations/consent"),
        ],
        dynamodb_actions: &API,
        mails: true,
        reads_members_bucket: false,
        publishes_members: false,
        reads_session_secret: true,
        reads_survey_secret: false,
        scheduled: false,
    },
    FunctionSpec {
        name: "matches",
        logical_id: "MatchesFunction",
        binary: "matches",
        routes: &[
            ("POST", "/api/matches"),
            ("POST", "/api/matches/{id}/accept"),
            ("POST", "/api/matches/{id}/decline"),
            ("POST", "/api/matches/{id}/withdraw"),
            ("GET", "/api/matches"),
            ("POST", "/api/pairings"),
            ("POST", "/api/pairings/{id}/accept"),
            ("POST", "/api/pairings/{id}/decline"),
        ],
        dynamodb_actions: &API,
        mails: true,
        reads_members_bucket: false,
        publishes_members: true,
        reads_session_secret: true,
        reads_survey_secret: false,
        scheduled: false,
    },
    FunctionSpec {
        name: "duos",
        logical_id: "DuosFunction",
        binary: "duos-fn",
        routes: &[
            ("GET", "/api/duos"),
            ("POST", "/api/duos/{id}/liaison"),
            ("POST", "/api/duos/{id}/end"),
        ],
        dynamodb_actions: &API,
        mails: true,
        reads_members_bucket: false,
        publishes_members: false,
        reads_session_secret: true,
        reads_survey_secret: false,
        scheduled: false,
    },
    FunctionSpec {
        name: "surveys",
        logical_id: "SurveysFunction",
        binary: "surveys",
        routes: &[
            ("POST", "/api/surveys/{id}/responses"),
            ("GET", "/api/surveys/{id}/stats"),
        ],
        dynamodb_actions: &API,
        mails: false,
        reads_members_bucket: false,
        publishes_members: false,
        reads_session_secret: true,
        reads_survey_secret: true,
        scheduled: false,
    },
    FunctionSpec {
        name: "me",
        logical_id: "MeFunction",
        binary: "me",
        routes: &[("GET", "/api/me"), ("POST", "/api/alumni")],
        dynamodb_actions: &API,
        mails: false,
        reads_members_bucket: false,
        publishes_members: false,
        reads_session_secret: true,
        reads_survey_secret: false,
        scheduled: false,
    },
    FunctionSpec {
        name: "session",
        logical_id: "SessionFunction",
        binary: "session",
        routes: &[
            ("GET", "/auth/login"),
            ("GET", "/auth/callback"),
            ("POST", "/auth/logout"),
            // `/members/` (your program) as well: the HTTP API matches a
            // route with or without the trailing slash.
            ("GET", "/members"),
            ("GET", "/members/{proxy+}"),
            // The profile form's preview (a page, CSRF-checked; it stores
            // nothing).
            ("POST", "/members/profile/preview"),
            ("GET", "/apply/{proxy+}"),
            ("GET", "/nominate/{proxy+}"),
        ],
        dynamodb_actions: &SESSION,
        mails: false,
        reads_members_bucket: true,
        publishes_members: false,
        reads_session_secret: true,
        reads_survey_secret: true,
        scheduled: false,
    },
    FunctionSpec {
        name: "scheduler",
        logical_id: "SchedulerFunction",
        binary: "scheduler",
        routes: &[],
        dynamodb_actions: &READ_WRITE,
        mails: true,
        reads_members_bucket: false,
        publishes_members: false,
        reads_session_secret: false,
        reads_survey_secret: true,
        scheduled: true,
    },
];

/// The function with this name.
pub fn function(name: &str) -> Option<&'static FunctionSpec> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// The function the HTTP API sends `method path` (a route template) to.
pub fn function_for_route(method: &str, path: &str) -> Option<&'static FunctionSpec> {
    FUNCTIONS.iter().find(|f| f.serves(method, path))
}
