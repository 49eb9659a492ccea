using System.Diagnostics;
using System.Text.Json;
using Aot.Embeddings;
using Aot.Embeddings.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

// usage: aot-embeddings-smoke MODEL.onnx [TEXT]   (vocab.txt next to the model)
if (args.Length is 0 or > 2)
{
    Console.Error.WriteLine("usage: aot-embeddings-smoke MODEL.onnx [TEXT]");
    return 2;
}

var timer = Stopwatch.StartNew();
using EmbeddingModel model = EmbeddingModel.Load(args[0]);
Console.WriteLine($"loaded {model.OnnxModel.Source} in {timer.Elapsed.TotalMilliseconds:F0} ms: hidden {model.HiddenSize}, pooling {model.Pooling}");

var service = new EmbeddingService(model);
string text = args.Length > 1 ? args[1] : "Café naïve résumé, 我喜欢机器学习!";
byte[] body = JsonSerializer.SerializeToUtf8Bytes(new EmbedRequest { Inputs = new EmbeddingInputs([text, "hello world"], true) }, EmbeddingsJsonContext.Default.EmbedRequest);
using EmbeddingRunner runner = model.CreateRunner();
float[][] vectors = service.Execute(service.Prepare(EmbeddingService.ParseEmbedRequest(body)), runner);
string response = JsonSerializer.Serialize(vectors, EmbeddingsJsonContext.Default.SingleArrayArray);
Console.WriteLine($"/embed: {vectors.Length} x {vectors[0].Length}, {response.Length} bytes of JSON, v[0][0..3] = {string.Join(", ", vectors[0][..3])}");

List<List<TokenizedToken>> tokens = service.Tokenize(new TokenizeRequest { Inputs = new EmbeddingInputs([text], false) });
Console.WriteLine($"/tokenize: {string.Join(' ', tokens[0].Select(t => t.Special ? model.Tokenizer.Vocabulary.GetToken(t.Id) : t.Text))}");

using FixedLengthEmbedder embedder = model.CreateFixedLengthEmbedder(64);
Span<float> vector = stackalloc float[model.HiddenSize];
embedder.Embed(text, vector);
timer.Restart();
const int Runs = 50;
for (int i = 0; i < Runs; i++)
    embedder.Embed(text, vector);
Console.WriteLine($"fixed-length 64: {timer.Elapsed.TotalMicroseconds / Runs:F0} us per text, v[0..3] = {vector[0]}, {vector[1]}, {vector[2]}");

try
{
    service.Prepare(EmbeddingService.ParseEmbedRequest("""{"inputs":[]}"""u8));
    return 1;
}
catch (EmbeddingRequestException e)
{
    Console.WriteLine($"refusal: {e.StatusCode} {JsonSerializer.Serialize(e.ToResponse(), EmbeddingsJsonContext.Default.ErrorResponse)}");
}

// Microsoft.Extensions.AI: the generator from a service provider, with the framework's middleware in the pipeline.
var services = new ServiceCollection();
services.AddAotEmbeddingGenerator(args[0]).ConfigureOptions(options => options.Dimensions ??= 128);
await using (ServiceProvider provider = services.BuildServiceProvider())
{
    var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
    GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync([text, "hello world"]);
    EmbeddingGeneratorMetadata metadata = generator.GetRequiredService<EmbeddingGeneratorMetadata>();
    float[] full = model.Embed(text, new EmbedOptions { Dimensions = 128 });
    float cosine = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(full, embeddings[0].Vector.Span);
    Console.WriteLine($"IEmbeddingGenerator ({metadata.ProviderName}, {embeddings[0].ModelId}): {embeddings.Count} x {embeddings[0].Dimensions}, {embeddings.Usage?.InputTokenCount} tokens, cosine to EmbeddingModel {cosine:F6}");
    if (cosine < 0.9999f)
        return 1;
}

return 0;
