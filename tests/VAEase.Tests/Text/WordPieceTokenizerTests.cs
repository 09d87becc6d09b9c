using VAEase.Text;

namespace VAEase.Tests.Text;

/// <summary>The ids below were read off vocab.txt by hand (id = line number - 1): [CLS] 101, [SEP] 102, [UNK] 100.</summary>
public sealed class WordPieceTokenizerTests
{
    private static readonly Lazy<WordPieceTokenizer> Tokenizer = new(() => WordPieceTokenizer.Load(MiniLmFiles.Vocab));

    [Fact]
    public void Accents_are_stripped_and_punctuation_split_off()
    {
        var e = Tokenizer.Value.Encode("Café naïve, don't!");
        Assert.Equal(["[CLS]", "cafe", "naive", ",", "don", "'", "t", "!", "[SEP]"], e.Pieces);
        Assert.Equal([101L, 7668, 15743, 1010, 2123, 1005, 1056, 999, 102], e.Ids);
        Assert.False(e.Truncated);
    }

    [Fact]
    public void Words_missing_from_the_vocabulary_are_cut_into_the_longest_pieces_from_the_left()
    {
        // "tokenization" and "tokeniz".."tokenizatio" are not in vocab.txt, "token" and "##ization" are; "2026" is not, "202" and "##6" are.
        var e = Tokenizer.Value.Encode("Tokenization in 2026 costs $3.");
        Assert.Equal(["[CLS]", "token", "##ization", "in", "202", "##6", "costs", "$", "3", ".", "[SEP]"], e.Pieces);
        Assert.Equal([101L, 19204, 3989, 1999, 16798, 2575, 5366, 1002, 1017, 1012, 102], e.Ids);
    }

    [Fact]
    public void A_word_with_a_character_outside_the_vocabulary_becomes_one_unknown_token()
    {
        var e = Tokenizer.Value.Encode("hi a😀b 😀");
        Assert.Equal([101L, 7632, 100, 100, 102], e.Ids);
    }

    [Fact]
    public void Ideographs_are_tokens_of_their_own_and_control_characters_vanish()
    {
        var e = Tokenizer.Value.Encode("中文\u200b\u0007hello\tworld");
        Assert.Equal([101L, 1746, 1861, 7592, 2088, 102], e.Ids);
    }

    [Fact]
    public void Words_longer_than_100_characters_are_unknown()
    {
        Assert.Equal([101L, 100, 102], Tokenizer.Value.Encode(new string('a', 101)).Ids);
    }

    [Fact]
    public void Long_texts_are_cut_to_512_ids_ending_in_sep_and_say_so()
    {
        var e = Tokenizer.Value.Encode(string.Join(' ', Enumerable.Repeat("the", 600)));
        Assert.Equal(WordPieceTokenizer.MaxTokens, e.Ids.Length);
        Assert.Equal(102, e.Ids[^1]);
        Assert.True(e.Truncated);
        Assert.False(Tokenizer.Value.Encode(string.Join(' ', Enumerable.Repeat("the", 510))).Truncated);
    }
}
