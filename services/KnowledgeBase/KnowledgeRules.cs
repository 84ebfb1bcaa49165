using System.Text.RegularExpressions;
using GamingSystem.Contracts.KnowledgeBase.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.KnowledgeBase;

/// <summary>What a request may carry; each violation names its field.</summary>
public static partial class KnowledgeRules
{
    public const int MaxTextLength = 64 * 1024;
    public const int MaxTitleLength = 200;
    public const int MaxTags = 16;
    public const int MaxQueryLength = 500;
    public const int DefaultTopK = 5;
    public const int MaxTopK = 50;
    public const int DefaultAnswerPassages = 3;
    public const int MaxAnswerPassages = 10;

    public static void DocId(string docId)
    {
        if (string.IsNullOrEmpty(docId))
        {
            throw ServiceException.InvalidArgument("doc_id", "required");
        }

        if (!DocIdPattern().IsMatch(docId))
        {
            throw ServiceException.InvalidArgument("doc_id", "1-128 letters, digits, '.', '_' or '-'");
        }
    }

    public static void Ingest(IngestRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        DocId(request.DocId);
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > MaxTitleLength)
        {
            throw ServiceException.InvalidArgument("title", $"required, at most {MaxTitleLength} characters");
        }

        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw ServiceException.InvalidArgument("text", "required");
        }

        if (request.Text.Length > MaxTextLength)
        {
            throw ServiceException.InvalidArgument("text", $"at most {MaxTextLength} characters");
        }

        if (request.Tags.Count > MaxTags || request.Tags.Any(t => !TagPattern().IsMatch(t)))
        {
            throw ServiceException.InvalidArgument("tags", $"at most {MaxTags}, each 1-32 letters, digits, '_' or '-'");
        }
    }

    public static void Tags(IEnumerable<string> tags)
    {
        if (tags.Any(t => !TagPattern().IsMatch(t)))
        {
            throw ServiceException.InvalidArgument("tags", "each 1-32 letters, digits, '_' or '-'");
        }
    }

    public static void Query(string query, string field)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw ServiceException.InvalidArgument(field, "required");
        }

        if (query.Length > MaxQueryLength)
        {
            throw ServiceException.InvalidArgument(field, $"at most {MaxQueryLength} characters");
        }
    }

    public static int TopK(int topK, int fallback, int max) => topK switch
    {
        0 => fallback,
        _ when topK < 0 || topK > max => throw ServiceException.InvalidArgument("top_k", $"1-{max}, or 0 for {fallback}"),
        _ => topK,
    };

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex DocIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex TagPattern();
}
