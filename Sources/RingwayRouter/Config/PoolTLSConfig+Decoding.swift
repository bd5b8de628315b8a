/// `"tls": {"ca_file", "insecure_skip_verify", "server_name"}` of a pool.
extension PoolTLSConfig {
    static let fieldNames = ["ca_file", "insecure_skip_verify", "server_name"]

    /// The CA file is read and checked here, so `ringway check` finds a
    /// missing or wrong file at its line instead of the first connection.
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> PoolTLSConfig? {
        guard let object = decoder.object(node, path, fields: fieldNames) else { return nil }
        var tls = PoolTLSConfig()
        if let file = object.nonEmptyString("ca_file") {
            if let problem = PEMBundleCheck.problem(path: file) {
                object.report("ca_file", problem)
            } else {
                tls.caFile = file
            }
        }
        if let skip = object.bool("insecure_skip_verify") { tls.insecureSkipVerify = skip }
        if tls.insecureSkipVerify && object.has("ca_file") {
            object.report("ca_file", "\"ca_file\" has no effect with \"insecure_skip_verify\": true (nothing is verified)")
        }
        if let name = object.nonEmptyString("server_name") {
            if ConfigSyntax.isTLSServerName(name) {
                tls.serverName = name.lowercased()
            } else {
                object.report("server_name", "expected a host name or an IP address, got \(ConfigText.quoted(name))")
            }
        }
        return tls
    }
}
