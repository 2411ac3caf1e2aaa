using Mediator;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Imports;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

/// <summary>Who may see an import: the person who uploaded it, and coordinators. Anyone else is told it does not exist.</summary>
public static class ImportVisibility
{
    public static IQueryable<Import> VisibleTo(this IQueryable<Import> imports, ICurrentUser user)
    {
        if (user.IsSystem || user.IsInRole(Roles.Coordinator))
            return imports;
        var me = user.Id;
        return imports.Where(i => i.CreatedBy == me);
    }
}
