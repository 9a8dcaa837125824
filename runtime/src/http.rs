//! The HTTP client a transport creates when the caller gives none.
//!
//! Building a `reqwest::Client` from nothing reads and parses the operating system's
//! certificate store (rustls' platform verifier): about 19 M instructions, 4 ms, per client.
//! Here the TLS configuration is built once per process and each client gets a clone of it
//! (a clone shares the verifier and the session cache). Clients are not shared: each transport
//! keeps its own connection pool, because a pool holds connections driven by the tokio runtime
//! that opened them, and a client kept in a process-wide cache would hand a connection of a
//! runtime nothing drives any more (a `block_on` that returned, one runtime per
//! `#[tokio::test]`) to a call on another, which then waits until its timeout (reqwest#2501).
//! The root certificates are read when the first client is built; a change to the store
//! afterwards is seen by the next process.
//!
//! Which TLS backend the client uses is a cargo feature (`tls-aws-lc`, the default, `tls-ring`,
//! `tls-native`, or none); [`TLS_BACKEND`] names the one compiled in.

use std::time::Duration;

/// The TLS backend of the default client, by its feature name; `None` when none is compiled in
/// (the default client then speaks plain HTTP only). rustls wins over native-tls, and aws-lc-rs
/// over ring, when several features are on.
pub const TLS_BACKEND: Option<&str> = if cfg!(feature = "tls-aws-lc") {
    Some("tls-aws-lc")
} else if cfg!(feature = "tls-ring") {
    Some("tls-ring")
} else if cfg!(feature = "tls-native") {
    Some("tls-native")
} else {
    None
};

/// A new client as the builder configures it: connect timeout, no redirects (credentials travel
/// in headers and bodies that a redirect would carry to another host; a provider's 3xx is
/// returned as an error instead), linkspec's user agent, and the TLS backend compiled in (for
/// rustls, the shared configuration).
pub(crate) fn client(connect_timeout: Duration) -> Result<reqwest::Client, String> {
    let builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("linkspec/", env!("CARGO_PKG_VERSION")));
    #[cfg(any(feature = "tls-aws-lc", feature = "tls-ring"))]
    let builder = builder.tls_backend_preconfigured(rustls_config::tls_config()?);
    #[cfg(all(feature = "tls-native", not(any(feature = "tls-aws-lc", feature = "tls-ring"))))]
    let builder = builder.tls_backend_native();
    builder.build().map_err(|e| e.to_string())
}

#[cfg(any(feature = "tls-aws-lc", feature = "tls-ring"))]
pub(crate) mod rustls_config {
    use std::sync::{Arc, Mutex};

    /// The TLS configuration reqwest would build for the client, and the crypto provider it was
    /// built with (the process default when one was installed, as reqwest chooses).
    struct Shared {
        provider: Option<&'static Arc<rustls::crypto::CryptoProvider>>,
        config: rustls::ClientConfig,
    }

    static TLS: Mutex<Option<Shared>> = Mutex::new(None);

    /// Times the TLS configuration was built in this process (tests check that it is once).
    #[cfg(test)]
    pub(crate) static TLS_BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// The crypto provider of the feature compiled in, when no process default is installed.
    fn feature_provider() -> rustls::crypto::CryptoProvider {
        #[cfg(feature = "tls-aws-lc")]
        return rustls::crypto::aws_lc_rs::default_provider();
        #[cfg(not(feature = "tls-aws-lc"))]
        return rustls::crypto::ring::default_provider();
    }

    /// The process's TLS configuration, built on first use. A failure (no CA certificate on the
    /// system) is not kept: the next client tries again, as it did when every build read the store.
    pub(crate) fn tls_config() -> Result<rustls::ClientConfig, String> {
        // reqwest built with rustls but no provider of its own (`tls-ring`) panics when a
        // client is built with no process default installed: install ring as the default
        // (when nothing else is), so the caller's own reqwest clients build too.
        #[cfg(not(feature = "tls-aws-lc"))]
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Another thread may install one first; either is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let installed = rustls::crypto::CryptoProvider::get_default();
        let mut shared = TLS.lock().unwrap_or_else(|e| e.into_inner());
        // A provider installed after the first client was built is used from then on.
        let same = |s: &&Shared| match (s.provider, installed) {
            (None, None) => true,
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            _ => false,
        };
        if let Some(s) = shared.as_ref().filter(same) {
            return Ok(s.config.clone());
        }
        let provider = installed.cloned().unwrap_or_else(|| Arc::new(feature_provider()));
        let config = build_tls(provider)?;
        #[cfg(test)]
        TLS_BUILDS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        *shared = Some(Shared { provider: installed, config: config.clone() });
        Ok(config)
    }

    /// What reqwest 0.13 builds for a client without TLS settings: every protocol version the
    /// provider supports, the platform verifier, no client certificate, SNI, and ALPN for the
    /// HTTP versions reqwest speaks here (HTTP/1.1 only: its `http2` feature is off).
    fn build_tls(provider: Arc<rustls::crypto::CryptoProvider>) -> Result<rustls::ClientConfig, String> {
        let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| e.to_string())?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(rustls::ALL_VERSIONS)
            .map_err(|_| "invalid TLS versions".to_owned())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::time::Duration;

        #[test]
        fn the_tls_configuration_is_built_once_and_every_client_gets_it() {
            // Other tests of this binary build clients too, on other threads: the count may
            // already be 1 here, but never grows past it.
            for _ in 0..20 {
                crate::http::client(Duration::from_secs(1)).expect("a client");
            }
            let threads: Vec<_> = (0..4).map(|_| std::thread::spawn(|| crate::http::client(Duration::from_secs(2)).map(|_| ()))).collect();
            for t in threads {
                t.join().expect("thread").expect("a client");
            }
            assert_eq!(TLS_BUILDS.load(std::sync::atomic::Ordering::SeqCst), 1);
            let config = tls_config().expect("config");
            assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
            assert!(config.enable_sni);
        }
    }
}
