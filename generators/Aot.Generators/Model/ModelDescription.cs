namespace Aot.Generators.Model;

/// <summary>The model's own words about itself, for the class's XML docs.</summary>
internal sealed record ModelDescription(
    string DocString,
    string GraphName,
    string GraphDocString,
    string ProducerName,
    string ProducerVersion,
    string Domain,
    long IrVersion,
    long ModelVersion,
    EquatableArray<string> Opsets);
