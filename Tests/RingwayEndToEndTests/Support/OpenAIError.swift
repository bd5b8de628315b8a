/// What is wrong with `response` as an OpenAI error (`{"error":{"message","type","code"}}`), or nil.
func openAIErrorProblem(_ response: HTTPResponse) -> String? {
    let context = "status \(response.status), body \(response.text.prefix(300).debugDescription)"
    guard response.head.value("content-type")?.lowercased().hasPrefix("application/json") == true else {
        return "content-type is \(response.head.value("content-type") ?? "missing"), not application/json; \(context)"
    }
    guard let object = try? response.json() else { return "body is not a JSON object; \(context)" }
    guard let error = object["error"] as? [String: Any] else { return "no \"error\" object; \(context)" }
    guard error["message"] is String else { return "error.message is not a string; \(context)" }
    guard error["type"] is String else { return "error.type is not a string; \(context)" }
    guard error.keys.contains("code") else { return "error.code is missing; \(context)" }
    return nil
}
