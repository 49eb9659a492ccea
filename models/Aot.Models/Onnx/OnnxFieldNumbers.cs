namespace Aot.Models.Onnx;

/// <summary>
/// The protobuf field numbers of the ONNX messages this library writes, as declared in onnx/onnx.proto
/// (identical in onnx.proto3). Only the subset needed to describe inference models is listed.
/// </summary>
internal static class OnnxFieldNumbers
{
    internal static class Model
    {
        public const int IrVersion = 1;
        public const int ProducerName = 2;
        public const int ProducerVersion = 3;
        public const int Domain = 4;
        public const int ModelVersion = 5;
        public const int DocString = 6;
        public const int Graph = 7;
        public const int OpsetImport = 8;
        public const int MetadataProps = 14;
    }

    internal static class OperatorSetId
    {
        public const int Domain = 1;
        public const int Version = 2;
    }

    internal static class StringStringEntry
    {
        public const int Key = 1;
        public const int Value = 2;
    }

    internal static class Graph
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int DocString = 10;
        public const int Input = 11;
        public const int Output = 12;
        public const int ValueInfo = 13;
    }

    internal static class Node
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
        public const int DocString = 6;
        public const int Domain = 7;
    }

    internal static class Attribute
    {
        public const int Name = 1;
        public const int F = 2;
        public const int I = 3;
        public const int S = 4;
        public const int T = 5;
        public const int G = 6;
        public const int Floats = 7;
        public const int Ints = 8;
        public const int Strings = 9;
        public const int Type = 20;
    }

    internal static class Tensor
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int StringData = 6;
        public const int Name = 8;
        public const int RawData = 9;
        public const int DocString = 12;
        public const int ExternalData = 13;
        public const int DataLocation = 14;

        /// <summary><c>TensorProto.DataLocation.EXTERNAL</c>.</summary>
        public const int DataLocationExternal = 1;
    }

    internal static class ValueInfo
    {
        public const int Name = 1;
        public const int Type = 2;
        public const int DocString = 3;
    }

    internal static class Type
    {
        public const int TensorType = 1;
        public const int SequenceType = 4;
        public const int MapType = 5;
        public const int OptionalType = 9;

        // Nested messages: Tensor { elem_type = 1; shape = 2 }, Sequence/Optional { elem_type = 1 },
        // Map { key_type = 1; value_type = 2 }.
        public const int TensorElemType = 1;
        public const int TensorShape = 2;
        public const int SequenceElemType = 1;
        public const int OptionalElemType = 1;
        public const int MapKeyType = 1;
        public const int MapValueType = 2;
    }

    internal static class TensorShape
    {
        public const int Dim = 1;
    }

    internal static class Dimension
    {
        public const int DimValue = 1;
        public const int DimParam = 2;
    }
}
