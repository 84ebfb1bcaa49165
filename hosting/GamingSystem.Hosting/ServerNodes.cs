namespace Aspire.Hosting.ApplicationModel;

/// <summary>What the servers that may run as a cluster (NATS, Redis) share about their nodes.</summary>
internal static class ServerNodes
{
    /// <summary>One expression per node, comma-separated: the lists of servers NATS and Redis clients read.</summary>
    public static ReferenceExpression Joined<T>(IEnumerable<T> nodes, Func<T, ReferenceExpression> each)
    {
        var expression = new ReferenceExpressionBuilder();
        var first = true;
        foreach (var node in nodes)
        {
            if (!first)
            {
                expression.AppendLiteral(",");
            }

            expression.Append($"{each(node)}");
            first = false;
        }

        return expression.Build();
    }
}
