using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// Identity's store, with the two-factor secrets kept so that a copy of the database does not yield them: the
/// authenticator key is encrypted with the Data Protection key ring (whose key lives in the keys folder, not in the
/// database), and recovery codes are stored only as password hashes, like passwords. Identity itself keeps both in
/// plain text in AspNetUserTokens.
/// </summary>
public sealed class VerificationUserStore(VerificationDb context, IDataProtectionProvider protection, IPasswordHasher<StaffUser> hasher,
    AccountStates accounts, IdentityErrorDescriber? describer = null)
    : UserStore<StaffUser, IdentityRole<Guid>, VerificationDb, Guid>(context, describer)
{
    // Identity's own names for the rows it keeps (UserStoreBase), so existing rows stay readable.
    private const string InternalLoginProvider = "[AspNetUserStore]";
    private const string RecoveryCodeTokenName = "RecoveryCodes";

    private readonly IDataProtector _keys = protection.CreateProtector("Verification.AuthenticatorKey.v1");

    /// <summary>
    /// Every change Identity makes to an account (roles, password, deactivation, two-factor, lockout, the security
    /// stamp) ends in this update: the account's cached state and cached tokens go at once, and again when the write
    /// has saved; on PostgreSQL the other instances are told in the same transaction (<see cref="Persistence.ChangeNoticeListener"/>).
    /// </summary>
    public override async Task<IdentityResult> UpdateAsync(StaffUser user, CancellationToken cancellationToken = default)
    {
        accounts.Changed(user.Id);
        try
        {
            var result = await base.UpdateAsync(user, cancellationToken);
            if (result.Succeeded)
                await Persistence.ChangeNoticeListener.NotifyAccountAsync(Context, user.Id, cancellationToken);
            return result;
        }
        finally
        {
            accounts.Changed(user.Id);
        }
    }

    public override async Task<IdentityResult> DeleteAsync(StaffUser user, CancellationToken cancellationToken = default)
    {
        accounts.Changed(user.Id);
        try
        {
            var result = await base.DeleteAsync(user, cancellationToken);
            if (result.Succeeded)
                await Persistence.ChangeNoticeListener.NotifyAccountAsync(Context, user.Id, cancellationToken);
            return result;
        }
        finally
        {
            accounts.Changed(user.Id);
        }
    }

    public override Task SetAuthenticatorKeyAsync(StaffUser user, string key, CancellationToken cancellationToken) =>
        base.SetAuthenticatorKeyAsync(user, _keys.Protect(key), cancellationToken);

    public override async Task<string?> GetAuthenticatorKeyAsync(StaffUser user, CancellationToken cancellationToken) =>
        await base.GetAuthenticatorKeyAsync(user, cancellationToken) is { } stored ? _keys.Unprotect(stored) : null;

    public override Task ReplaceCodesAsync(StaffUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(code => hasher.HashPassword(user, code)).ToList(), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(StaffUser user, string code, CancellationToken cancellationToken)
    {
        var merged = await GetTokenAsync(user, InternalLoginProvider, RecoveryCodeTokenName, cancellationToken) ?? string.Empty;
        var hashes = merged.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
        var match = hashes.FindIndex(h => hasher.VerifyHashedPassword(user, h, code) != PasswordVerificationResult.Failed);
        if (match < 0)
            return false;
        hashes.RemoveAt(match);
        // Already hashed: written as they are.
        await base.ReplaceCodesAsync(user, hashes, cancellationToken);
        return true;
    }
}
