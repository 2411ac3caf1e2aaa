using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mediator;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;

namespace Verification.Api.Pipeline;

/// <summary>
/// Appends one entry to the audit hash chain for every command that succeeds, inside the command's transaction,
/// so a change and its audit entry exist together or not at all. Handlers never write audit entries themselves.
/// </summary>
public sealed class AuditBehaviour<TMessage, TResponse>(AuditTrail trail, ICurrentUser user)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private static readonly JsonSerializerOptions DigestOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                static info =>
                {
                    foreach (var property in info.Properties)
                    {
                        if (property.AttributeProvider?.IsDefined(typeof(NotAuditedAttribute), true) == true)
                            property.ShouldSerialize = static (_, _) => false;
                    }
                },
            },
        },
    };

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        if (message is not IBaseCommand || message is INotAudited || response is IMaybeUnchanged { Unchanged: true })
            return response;
        if (response is IAuditChanges many)
        {
            await trail.AppendManyAsync(user.AuditName, ActionName(message.GetType()),
                [.. many.AuditChanges.Select(c => (c.TargetId, Hashing.Sha256Hex(JsonSerializer.Serialize(c.Change, c.Change.GetType(), DigestOptions))))],
                cancellationToken);
            return response;
        }

        var target = response switch
        {
            IAuditTarget t => t.AuditTargetId,
            _ => message switch
            {
                IClaimCommand c => c.ClaimId.ToString(),
                IEvidenceCommand e => e.EvidenceId.ToString(),
                _ => null,
            },
        };
        var digest = Hashing.Sha256Hex(JsonSerializer.Serialize(message, message.GetType(), DigestOptions));
        await trail.AppendAsync(user.AuditName, ActionName(message.GetType()), target, digest, cancellationToken);
        return response;
    }

    /// <summary>The use case's name: the static class that holds the command, e.g. SubmitClaim.</summary>
    private static string ActionName(MemberInfo commandType) => commandType.DeclaringType?.Name ?? commandType.Name;
}
