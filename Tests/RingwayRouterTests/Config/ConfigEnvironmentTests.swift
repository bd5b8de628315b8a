import Testing
@testable import RingwayRouter

/// `${NAME}` in any string value comes from the environment; a missing
/// variable is an error naming it and the field.
@Suite struct ConfigEnvironmentTests {
    @Test(arguments: [
        ("Bearer ${TOKEN}", "Bearer s3cret"),
        ("${HOST}:${PORT}", "10.0.0.1:8000"),
        ("$${TOKEN} stays", "${TOKEN} stays"),
        ("cost $5 and $ {x} and $$ too", "cost $5 and $ {x} and $$ too"),
        ("${EMPTY}", ""),
        ("no references", "no references"),
    ])
    func expands(text: String, expected: String) throws {
        let env = ["TOKEN": "s3cret", "HOST": "10.0.0.1", "PORT": "8000", "EMPTY": ""]
        #expect(try EnvironmentSubstitution.expand(text, environment: env).get() == expected)
    }

    @Test(arguments: [
        ("${MISSING}", "environment variable \"MISSING\" is not set"),
        ("${A}${B}${A}", "environment variables \"A\", \"B\" are not set"),
        ("${UNCLOSED", "unterminated \"${\" (write \"$${\" for a literal \"${\")"),
        ("${}", "invalid environment variable name \"\" in \"${…}\" (letters, digits and '_', not starting with a digit)"),
        ("${1X}", "invalid environment variable name \"1X\" in \"${…}\" (letters, digits and '_', not starting with a digit)"),
        ("${A-B}", "invalid environment variable name \"A-B\" in \"${…}\" (letters, digits and '_', not starting with a digit)"),
    ])
    func refuses(text: String, reason: String) {
        #expect(EnvironmentSubstitution.expand(text, environment: [:]) == .failure(.init(reason: reason)))
    }

    @Test func everyStringValueIsSubstitutedButNotKeys() throws {
        let json = """
            {"listen": "${ADDR}", "pools": {"${P}": {"endpoints": [{"url": "http://${UP}", "weight": 2}],
             "headers": {"authorization": "Bearer ${KEY}"}}}, "default": {"pool": "${P}"}}
            """
        let errors = ConfigTest.errors(json, env: ["ADDR": "127.0.0.1:8080", "UP": "10.1.2.3:8000", "KEY": "k", "P": "x"])
        // The pool's name is "${P}" literally (names are not values), so the default's "x" is unknown.
        #expect(errors.map(\.path) == ["default.pool"])
        #expect(errors.first?.reason == "unknown pool \"x\" (defined: \"${P}\")")
        let config = try #require(ConfigTest.valid("""
            {"listen": "${ADDR}", "pools": {"p": {"endpoints": [{"url": "http://${UP}", "weight": 2}],
             "headers": {"authorization": "Bearer ${KEY}"}}}, "default": {"pool": "p"}}
            """, env: ["ADDR": "127.0.0.1:8080", "UP": "10.1.2.3:8000", "KEY": "k"]))
        #expect(config.listen == "127.0.0.1:8080")
        #expect(config.pools[0].endpoints == [EndpointConfig(address: .http(host: "10.1.2.3", port: 8000), url: "http://10.1.2.3:8000", weight: 2)])
        #expect(config.pools[0].headers == [HeaderConfig(name: "authorization", value: "Bearer k")])
    }

    @Test func aMissingVariableNamesTheVariableAndTheFieldOnce() {
        let json = """
            {
              "pools": {"openai": {"endpoints": ["${OPENAI_URL}"],
                                   "headers": {"authorization": "Bearer ${OPENAI_API_KEY}"}}},
              "default": {"pool": "openai"}
            }
            """
        // The unsubstituted URL is not reported a second time as a bad URL.
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools.openai.endpoints[0]", at: "\"${OPENAI_URL}", in: json,
                             "environment variable \"OPENAI_URL\" is not set"),
            ConfigTest.error("pools.openai.headers.authorization", at: "\"Bearer", in: json,
                             "environment variable \"OPENAI_API_KEY\" is not set"),
        ])
    }
}
