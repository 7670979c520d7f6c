namespace MultiCloud.ApiFrontend.Contracts;

/// <summary>Body of <c>POST /accounts</c>.</summary>
/// <param name="Owner">The owner's name: 1 to 200 characters, not blank. Required.</param>
/// <param name="Currency">ISO 4217 alphabetic code in upper case, e.g. <c>EUR</c>. Required.</param>
public sealed record OpenAccountRequest(string? Owner, string? Currency);
