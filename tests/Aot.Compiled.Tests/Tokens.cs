namespace Aot.Compiled.Tests;

/// <summary>A fixed MiniLM input: "[CLS] hello world, compiled in [SEP]"-like token ids (any valid ids do).</summary>
internal static class Tokens
{
    public static readonly long[] Ids = [101, 7592, 2088, 1010, 9227, 1999, 102];

    public static string KServeBody(string? outputs = null) =>
        $$"""
        {"inputs":[
          {"name":"input_ids","shape":[1,{{Ids.Length}}],"datatype":"INT64","data":[{{string.Join(",", Ids)}}]},
          {"name":"attention_mask","shape":[1,{{Ids.Length}}],"datatype":"INT64","data":[{{string.Join(",", Ids.Select(_ => 1))}}]},
          {"name":"token_type_ids","shape":[1,{{Ids.Length}}],"datatype":"INT64","data":[{{string.Join(",", Ids.Select(_ => 0))}}]}]{{(outputs is null ? "" : ",\"outputs\":[{\"name\":\"" + outputs + "\"}]")}}}
        """;
}
