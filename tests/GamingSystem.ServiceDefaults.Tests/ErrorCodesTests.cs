using GamingSystem.Contracts.Common.V1;
using GamingSystem.ServiceDefaults.Messaging;

namespace GamingSystem.ServiceDefaults.Tests;

public sealed class ErrorCodesTests
{
    [Theory]
    [InlineData(ErrorCode.InvalidArgument, 400)]
    [InlineData(ErrorCode.Unauthenticated, 401)]
    [InlineData(ErrorCode.PermissionDenied, 403)]
    [InlineData(ErrorCode.NotFound, 404)]
    [InlineData(ErrorCode.AlreadyExists, 409)]
    [InlineData(ErrorCode.FailedPrecondition, 409)]
    [InlineData(ErrorCode.Aborted, 409)]
    [InlineData(ErrorCode.ResourceExhausted, 429)]
    [InlineData(ErrorCode.Unavailable, 503)]
    [InlineData(ErrorCode.DeadlineExceeded, 504)]
    [InlineData(ErrorCode.Internal, 500)]
    [InlineData(ErrorCode.Unknown, 500)]
    [InlineData(ErrorCode.DataLoss, 500)]
    public void Codes_map_to_the_http_statuses_of_the_architecture(ErrorCode code, int status) =>
        Assert.Equal(status, ErrorCodes.ToHttpStatus(code));

    [Theory]
    [InlineData(ErrorCode.InvalidArgument)]
    [InlineData(ErrorCode.Unauthenticated)]
    [InlineData(ErrorCode.PermissionDenied)]
    [InlineData(ErrorCode.NotFound)]
    [InlineData(ErrorCode.ResourceExhausted)]
    [InlineData(ErrorCode.Unavailable)]
    [InlineData(ErrorCode.DeadlineExceeded)]
    [InlineData(ErrorCode.Internal)]
    public void A_status_only_error_reply_maps_back_to_its_code(ErrorCode code) =>
        Assert.Equal(code, ErrorCodes.FromHttpStatus(ErrorCodes.ToHttpStatus(code)));

    [Theory]
    [InlineData(ErrorCode.InvalidArgument, "INVALID_ARGUMENT")]
    [InlineData(ErrorCode.FailedPrecondition, "FAILED_PRECONDITION")]
    [InlineData(ErrorCode.Unspecified, "UNSPECIFIED")]
    public void Names_are_the_proto_names_without_prefix(ErrorCode code, string name) =>
        Assert.Equal(name, ErrorCodes.ToName(code));

    [Fact]
    public void Invalid_argument_names_its_field()
    {
        var error = ServiceException.InvalidArgument("expectedVersion", "must not be negative");

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("expectedVersion", error.Error.Field);
        Assert.Equal("expectedVersion: must not be negative", error.Message);
    }
}
