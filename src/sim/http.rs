//! An HTTP request as the API server receives it: method, URL, headers, body, and the client
//! certificate the TLS handshake presented.
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/>.

/// One request to the simulated API server.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HttpRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// Path with optional `?query`.
    pub url: String,
    /// Headers in the order sent; names compare case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The body, when there is one (JSON).
    pub body: Option<String>,
    /// The client certificate chain and key proof presented during the TLS handshake.
    pub client_certificate: Option<super::tls::ClientCertificate>,
}

impl HttpRequest {
    /// A request with no headers, body or certificate.
    pub fn new(method: &str, url: &str) -> Self {
        HttpRequest {
            method: method.to_string(),
            url: url.to_string(),
            ..Default::default()
        }
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
