#!/usr/bin/env python3
"""Checks a mock (or any OpenAI-compatible) server's wire format with the official SDK.

Usage: openai_sdk_check.py BASE_URL        e.g. http://127.0.0.1:8000/v1
Needs `pip install openai`. Does one non-streaming chat completion, two streaming ones
(with stream_options.include_usage, and without: then no chunk may carry usage) and one
embeddings call (the SDK's default base64
encoding, then explicit floats), asserting the parsed objects. Prints one line per
check; exits 1 on the first failure, 2 on bad usage.
"""
import sys

try:
    import openai
except ImportError:
    sys.exit("openai_sdk_check: the openai package is not installed (pip install openai)")


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def chat_non_streaming(client):
    completion = client.chat.completions.create(
        model="sdk-model", messages=[{"role": "user", "content": "say \"stream\": true"}],
        extra_headers={"x-mock-tokens": "3"})
    check(isinstance(completion, openai.types.chat.ChatCompletion), f"type {type(completion)}")
    check(completion.object == "chat.completion", f"object {completion.object!r}")
    check(completion.model == "sdk-model", f"model not echoed: {completion.model!r}")
    check(len(completion.choices) == 1, f"choices {completion.choices!r}")
    choice = completion.choices[0]
    check(choice.message.role == "assistant", f"role {choice.message.role!r}")
    check(choice.message.content == "tok0 tok1 tok2 ", f"content {choice.message.content!r}")
    check(choice.finish_reason == "stop", f"finish_reason {choice.finish_reason!r}")
    check(completion.usage is not None and completion.usage.completion_tokens == 3
          and completion.usage.total_tokens == completion.usage.prompt_tokens + 3, f"usage {completion.usage!r}")
    return "non-streaming chat: ChatCompletion, content, finish_reason and usage parsed"


def chat_streaming(client):
    stream = client.chat.completions.create(
        model="sdk-model", messages=[{"role": "user", "content": "hi"}], stream=True,
        stream_options={"include_usage": True}, extra_headers={"x-mock-tokens": "4"})
    chunks = list(stream)
    check(len(chunks) == 6, f"expected 4 tokens + finish + usage chunks, got {len(chunks)}")
    content = ""
    for chunk in chunks:
        check(isinstance(chunk, openai.types.chat.ChatCompletionChunk), f"type {type(chunk)}")
        check(chunk.object == "chat.completion.chunk", f"object {chunk.object!r}")
        check(chunk.model == "sdk-model", f"model {chunk.model!r}")
        check(chunk.id == chunks[0].id and chunk.created == chunks[0].created, "id/created differ between chunks")
        sent = (chunk.model_extra or {}).get("mock_sent_ns")
        check(isinstance(sent, int) and sent > 1_600_000_000 * 10**9, f"mock_sent_ns {sent!r}")
        for choice in chunk.choices:
            content += choice.delta.content or ""
    check(chunks[0].choices[0].delta.role == "assistant", "first delta has no role")
    check(content == "tok0 tok1 tok2 tok3 ", f"content {content!r}")
    check(chunks[-2].choices[0].finish_reason == "stop", f"finish chunk {chunks[-2]!r}")
    check(all(c.usage is None for c in chunks[:-1]), "usage set before the final chunk")
    last = chunks[-1]
    check(last.choices == [] and last.usage is not None and last.usage.completion_tokens == 4,
          f"usage chunk {last!r}")
    return "streaming chat: 6 ChatCompletionChunks, role, content, stop, final usage chunk; [DONE] ended the stream"


def chat_streaming_without_usage(client):
    # Through a router with count_stream_usage, the proxy asked for usage
    # upstream: this client, which did not, must see no trace of it.
    stream = client.chat.completions.create(
        model="sdk-model", messages=[{"role": "user", "content": "hi"}], stream=True,
        extra_headers={"x-mock-tokens": "3"})
    chunks = list(stream)
    check(len(chunks) == 4, f"expected 3 tokens + finish chunks, got {len(chunks)}")
    content = "".join(choice.delta.content or "" for chunk in chunks for choice in chunk.choices)
    check(content == "tok0 tok1 tok2 ", f"content {content!r}")
    check(all("usage" not in chunk.model_fields_set for chunk in chunks), "a chunk carries a usage member")
    return "streaming chat without stream_options: 4 chunks, no usage member in any"


def embeddings(client):
    for encoding in (None, "float"):
        kwargs = {} if encoding is None else {"encoding_format": encoding}
        response = client.embeddings.create(model="sdk-embed", input="hello", **kwargs)
        check(isinstance(response, openai.types.CreateEmbeddingResponse), f"type {type(response)}")
        check(response.object == "list" and response.model == "sdk-embed", f"response {response!r}")
        check(len(response.data) == 1 and response.data[0].object == "embedding", f"data {response.data!r}")
        vector = response.data[0].embedding
        check(vector == [(i + 1) / 64 for i in range(16)], f"embedding ({encoding or 'SDK default base64'}) {vector!r}")
        check(response.usage.prompt_tokens == response.usage.total_tokens, f"usage {response.usage!r}")
    return "embeddings: base64 (SDK default) and float both decode to the 16-value vector"


def main():
    if len(sys.argv) != 2 or not sys.argv[1].startswith(("http://", "https://")):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    client = openai.OpenAI(base_url=sys.argv[1], api_key="mock", max_retries=0, timeout=10)
    for step in (chat_non_streaming, chat_streaming, chat_streaming_without_usage, embeddings):
        try:
            print("ok   " + step(client))
        except Exception as e:  # an SDK error or a failed assertion: report it and stop
            print(f"FAIL {step.__name__}: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
    print(f"openai {openai.__version__}: all checks passed against {sys.argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
