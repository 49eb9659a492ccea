using System;
using System.Collections.Generic;
using System.Globalization;

namespace Aot.Generators.Naming;

/// <summary>
/// Hands out member names that collide neither with the generated class's fixed members nor with each other.
/// </summary>
/// <remarks>
/// A tensor takes a family of names built from one base (an output <c>X</c> takes <c>X</c> and <c>XShape</c>), and
/// the whole family must be free. On a clash with a fixed member the base gets the role as a suffix (an input named
/// <c>run</c> becomes <c>RunInput</c>); on a clash with another tensor, <c>_2</c>, <c>_3</c>, … in model order, so
/// the first tensor keeps the plain name and the result depends only on the model.
/// </remarks>
internal sealed class MemberNameTable
{
    private readonly HashSet<string> _reserved;
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public MemberNameTable(IEnumerable<string> reserved)
    {
        _reserved = new HashSet<string>(reserved, StringComparer.Ordinal);
    }

    /// <summary>Allocates a base name whose family (<paramref name="formats"/>, <c>{0}</c> = base) is free, and takes the family.</summary>
    public string Allocate(string baseName, string roleSuffix, params string[] formats)
    {
        string candidate = baseName;
        if (HitsReserved(candidate, formats))
        {
            candidate = baseName + roleSuffix;
        }

        string root = candidate;
        for (int n = 2; HitsReserved(candidate, formats) || HitsTaken(candidate, formats); n++)
        {
            candidate = root + "_" + n.ToString(CultureInfo.InvariantCulture);
        }

        foreach (string format in formats)
        {
            _taken.Add(Format(format, candidate));
        }

        return candidate;
    }

    private bool HitsReserved(string candidate, string[] formats)
    {
        foreach (string format in formats)
        {
            if (_reserved.Contains(Format(format, candidate)))
            {
                return true;
            }
        }

        return false;
    }

    private bool HitsTaken(string candidate, string[] formats)
    {
        foreach (string format in formats)
        {
            if (_taken.Contains(Format(format, candidate)))
            {
                return true;
            }
        }

        return false;
    }

    private static string Format(string format, string name) => format.Replace("{0}", name);
}
