using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

public sealed class MemberSetTests
{
    [Fact]
    public void One_member_is_kept_as_the_string_itself()
    {
        object? set = null;
        Assert.True(MemberSet.Add(ref set, "a"));
        Assert.False(MemberSet.Add(ref set, "a"));
        Assert.Equal("a", set);
        Assert.Equal(1, MemberSet.Count(set));
        Assert.True(MemberSet.Remove(ref set, "a"));
        Assert.Null(set);
    }

    [Fact]
    public void A_second_member_makes_a_set_that_empties_to_null()
    {
        object? set = null;
        MemberSet.Add(ref set, "a");
        MemberSet.Add(ref set, "b");
        Assert.IsType<HashSet<string>>(set);
        Assert.Equal(["a", "b"], MemberSet.ToArray(set).Order());

        Assert.False(MemberSet.Remove(ref set, "c"));
        Assert.True(MemberSet.Remove(ref set, "a"));
        Assert.Equal(["b"], MemberSet.ToArray(set));
        Assert.True(MemberSet.Remove(ref set, "b"));
        Assert.Null(set);
    }

    [Fact]
    public void Members_are_compared_ordinally()
    {
        object? set = null;
        MemberSet.Add(ref set, "room");
        Assert.True(MemberSet.Add(ref set, "Room"));
        var union = new HashSet<string>(StringComparer.Ordinal);
        MemberSet.AddTo(set, union);
        Assert.Equal(2, union.Count);
    }
}
