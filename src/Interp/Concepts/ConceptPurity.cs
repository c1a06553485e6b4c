using Interp.Datasets;

namespace Interp.Concepts;

/// <summary>
/// Concept purity of every unit of a layer against images whose concepts are known (e.g. the toy world's: which shape is drawn,
/// which word is written, which colour): each unit's top images by strongest response, the most common label among them and
/// its share, and how many concepts the unit responds to at half its best. The same measure for neurons and for dictionary
/// features, so the two can be compared.
/// </summary>
public static class ConceptPurity
{
    /// <summary>
    /// Measures every channel of <paramref name="scan"/>, which must keep every scanned image in its sample
    /// (<see cref="ScanSettings.Sample"/> ≥ the images scanned); <paramref name="labels"/>(image) gives the concepts image
    /// <c>image</c> shows. A unit's top images are its <paramref name="top"/> strongest among those where it is active; a unit
    /// active on fewer than <paramref name="minimumActive"/> images gets no top concept.
    /// </summary>
    public static IReadOnlyList<UnitPurity> Measure(ScanResult scan, Func<int, IReadOnlyCollection<string>> labels, int top = 50, int minimumActive = 10)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(labels);
        if (scan.Sample.Count == 0 || scan.Sample.Count < scan.ImagesScanned)
            throw new ArgumentException($"The scan kept {scan.Sample.Count} of its {scan.ImagesScanned} images in its sample; purity needs every image's responses: scan with " +
                $"ScanSettings.Sample ≥ {scan.ImagesScanned}.", nameof(scan));
        var images = scan.Sample.OrderBy(s => s.Image).ToList();
        var responses = images.Select(s => s.Maxima).ToArray();
        var imageLabels = images.Select(s => labels(s.Image)).ToArray();
        return Measure(responses, imageLabels, top, minimumActive);
    }

    /// <summary>
    /// Measures every unit of <paramref name="responses"/>[image][unit] (each image's strongest response per unit) against
    /// <paramref name="labels"/>[image], as <see cref="Measure(ScanResult, Func{int, IReadOnlyCollection{string}}, int, int)"/> does.
    /// </summary>
    public static IReadOnlyList<UnitPurity> Measure(float[][] responses, IReadOnlyList<IReadOnlyCollection<string>> labels, int top = 50, int minimumActive = 10)
    {
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(labels);
        if (responses.Length == 0) throw new ArgumentException("There are no images to measure.", nameof(responses));
        if (labels.Count != responses.Length)
            throw new ArgumentException($"Give one label set per image: {responses.Length} images, {labels.Count} label sets.", nameof(labels));
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), top, "Read at least one top image per unit (50 is usual).");
        if (minimumActive < 1 || minimumActive > top)
            throw new ArgumentOutOfRangeException(nameof(minimumActive), minimumActive, $"The minimum of active images is in 1..top ({top}).");
        int units = responses[0].Length;
        if (responses.Any(r => r.Length != units))
            throw new ArgumentException("Every image needs a response for every unit (rows of equal length).", nameof(responses));

        var concepts = labels.SelectMany(l => l).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = concepts.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var imageConcepts = labels.Select(l => l.Select(c => index[c]).Distinct().ToArray()).ToArray();
        var carrying = new int[concepts.Length];
        foreach (var ks in imageConcepts) foreach (int k in ks) carrying[k]++;

        var result = new UnitPurity[units];
        for (int u = 0; u < units; u++)
        {
            // Mean response per concept over the images carrying it.
            var sums = new double[concepts.Length];
            for (int i = 0; i < responses.Length; i++)
                foreach (int k in imageConcepts[i]) sums[k] += responses[i][u];
            var means = sums.Select((s, k) => carrying[k] > 0 ? s / carrying[k] : 0).ToArray();
            double best = means.Max();
            int above = best > 0 ? means.Count(m => m >= best / 2) : 0;

            var active = Enumerable.Range(0, responses.Length).Where(i => responses[i][u] > 0).ToList();
            if (active.Count < minimumActive)
            {
                result[u] = new UnitPurity(u, active.Count, null, double.NaN, double.NaN, above);
                continue;
            }
            // Strongest first; ties by image index, so the answer does not depend on the sort's stability.
            var topImages = active.OrderByDescending(i => responses[i][u]).ThenBy(i => i).Take(top).ToList();
            var counts = new int[concepts.Length];
            foreach (int i in topImages) foreach (int k in imageConcepts[i]) counts[k]++;
            int winner = Enumerable.Range(0, concepts.Length).OrderByDescending(k => counts[k]).ThenBy(k => k).First();
            result[u] = new UnitPurity(u, active.Count, concepts[winner], (double)counts[winner] / topImages.Count, (double)carrying[winner] / responses.Length, above);
        }
        return result;
    }

    /// <summary>
    /// The concepts that have a dedicated unit — one whose top images carry the concept at least <paramref name="share"/> of
    /// the time — with the number of such units each.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Dedicated(IEnumerable<UnitPurity> units, double share = 0.9)
    {
        ArgumentNullException.ThrowIfNull(units);
        if (!(share is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(share), share, "The share is in (0, 1], e.g. 0.9.");
        return units.Where(u => u.Measured && u.Share >= share).GroupBy(u => u.TopConcept!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }
}
