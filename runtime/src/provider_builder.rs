//! What every generated `ClientBuilder` offers to generic code: test-support crates (such as
//! `linkspec-mock`) configure a client of any provider through it without depending on the
//! generated clients.

use crate::{BuildError, ClientSettings, ProviderMeta};

/// A provider's generated `ClientBuilder`, seen from generic code: its provider's facts, settings
/// given as data, and the client it builds. Every generated builder implements it; the methods
/// forward to the builder's own `settings` and `build`.
///
/// ```
/// use linkspec_runtime::{ClientSettings, ProviderBuilder};
///
/// /// Builds any provider's client against `url`, with every other host of the provider there too.
/// fn client_at<B: ProviderBuilder>(url: &str) -> Result<B::Client, linkspec_runtime::BuildError> {
///     let mut settings = ClientSettings { base_url: Some(url.to_owned()), ..ClientSettings::default() };
///     for host in B::provider().hosts {
///         settings.hosts.insert(host.name.to_owned(), url.to_owned());
///     }
///     B::default().settings(&settings)?.build()
/// }
/// ```
pub trait ProviderBuilder: Default + Sized {
    /// The client the builder builds.
    type Client;

    /// The provider's facts from its spec: module name, hosts, inputs, headers.
    fn provider() -> &'static ProviderMeta;

    /// Applies settings given as data; names the spec does not declare are refused.
    fn settings(self, settings: &ClientSettings) -> Result<Self, BuildError>;

    /// Builds the client, checking the base URL and that credentials are set.
    fn build(self) -> Result<Self::Client, BuildError>;
}
