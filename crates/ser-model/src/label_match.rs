//! Reading a corpus's label names as a model's, so that a corpus labelled `fear`, `Surprise`,
//! `ANG` or `pleasant_surprise` (the spellings of CREMA-D, TESS, IEMOCAP and most Python
//! recipes) can be scored by a model whose labels are `fearful`, `surprised` and `angry`.
//!
//! Each corpus label is matched, in this order, by
//! 1. a pair the user gave (`fear=fearful`), whose model side must be one of the model's labels;
//! 2. the same name;
//! 3. the same name ignoring case and everything but letters and digits (`Pleasant Surprise`
//!    and `pleasant_surprise` are one name);
//! 4. the same emotion under a spelling of [`SPELLINGS`] (`fear`, `fea` and `afraid` are
//!    `fearful`), on either side, so a model trained on a corpus that says `fear` also reads
//!    RAVDESS.
//!
//! Single letters (SAVEE's `a`, EmoDB's `A`) are never guessed: they mean different emotions
//! in different corpora. A label no rule matches is an error naming it, unless unmatched labels
//! are to be left out; two model labels matching one corpus label at the same rule are an error
//! too, never a silent choice.

/// Known spellings of each emotion, normalised (lower case, letters and digits only), under the
/// name that stands for the emotion.
pub const SPELLINGS: &[(&str, &[&str])] = &[
    ("neutral", &["neutral", "neu"]),
    ("calm", &["calm", "cal"]),
    ("happy", &["happy", "happiness", "hap", "joy", "joyful"]),
    ("sad", &["sad", "sadness"]),
    ("angry", &["angry", "anger", "ang"]),
    ("fearful", &["fearful", "fear", "fea", "afraid"]),
    ("disgust", &["disgust", "disgusted", "dis"]),
    (
        "surprised",
        &[
            "surprised",
            "surprise",
            "sur",
            "ps",
            "pleasantsurprise",
            "pleasantsurprised",
        ],
    ),
];

/// How a corpus's labels read as a model's.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelMatch {
    /// For each corpus label, in the corpus's order, the index of the model label it reads as;
    /// `None` for a label left out.
    pub targets: Vec<Option<usize>>,
    /// Corpus labels left out because no rule matched them.
    pub skipped: Vec<String>,
}

impl LabelMatch {
    /// Each matched corpus label with the model label it reads as, in the corpus's order.
    pub fn pairs<'a>(
        &'a self,
        corpus: &'a [String],
        model: &'a [String],
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        corpus
            .iter()
            .zip(&self.targets)
            .filter_map(|(c, t)| t.map(|i| (c.as_str(), model[i].as_str())))
    }
}

/// Lower case, letters and digits only.
fn normalised(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The name of the emotion `name` spells, or its normalised self if it spells none known.
fn emotion(name: &str) -> String {
    let n = normalised(name);
    SPELLINGS
        .iter()
        .find(|(_, spellings)| spellings.contains(&n.as_str()))
        .map_or(n, |(canonical, _)| canonical.to_string())
}

/// The one model label `same` picks, `None` if it picks none, an error if it picks several.
fn unique(
    corpus_label: &str,
    model: &[String],
    same: impl Fn(&str) -> bool,
) -> Result<Option<usize>, String> {
    let hits: Vec<usize> = (0..model.len()).filter(|&i| same(&model[i])).collect();
    match hits[..] {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => Err(format!(
            "label {corpus_label:?} could be any of the model's {}; say which with --label-map {corpus_label}=LABEL",
            hits.iter()
                .map(|&i| format!("{:?}", model[i]))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The model label a pair given by the user names: the same name, else the same normalised one.
fn explicit_target(model: &[String], from: &str, to: &str) -> Result<usize, String> {
    if let Some(i) = unique(from, model, |m| m == to)? {
        return Ok(i);
    }
    unique(from, model, |m| normalised(m) == normalised(to))?.ok_or_else(|| {
        format!(
            "--label-map {from}={to}: {to:?} is not one of the model's labels ({})",
            model.join(", ")
        )
    })
}

/// Matches every corpus label to a model label by the rules of this module. `explicit` pairs
/// (corpus label, model label) come first and must name labels both sides have. With
/// `skip_unmatched`, labels no rule matches are left out (listed in `skipped`) instead of
/// being an error.
pub fn match_labels(
    corpus: &[String],
    model: &[String],
    explicit: &[(String, String)],
    skip_unmatched: bool,
) -> Result<LabelMatch, String> {
    if let Some((from, _)) = explicit.iter().find(|(from, _)| !corpus.contains(from)) {
        return Err(format!(
            "--label-map: the corpus has no label {from:?} (it has {})",
            corpus.join(", ")
        ));
    }
    let (mut targets, mut skipped) = (Vec::with_capacity(corpus.len()), Vec::new());
    for label in corpus {
        let target = match explicit.iter().find(|(from, _)| from == label) {
            Some((from, to)) => Some(explicit_target(model, from, to)?),
            None => match unique(label, model, |m| m == label)? {
                Some(i) => Some(i),
                None => match unique(label, model, |m| normalised(m) == normalised(label))? {
                    Some(i) => Some(i),
                    None => unique(label, model, |m| emotion(m) == emotion(label))?,
                },
            },
        };
        if target.is_none() {
            if !skip_unmatched {
                return Err(format!(
                    "label {label:?} is not one of the model's labels ({}); name the one it \
                     means with --label-map {label}=LABEL, or leave its clips out with \
                     --skip-unmatched",
                    model.join(", ")
                ));
            }
            skipped.push(label.clone());
        }
        targets.push(target);
    }
    Ok(LabelMatch { targets, skipped })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// The bundled model's labels: RAVDESS's eight emotions.
    fn ravdess() -> Vec<String> {
        crate::EmotionModel::bundled()
            .unwrap()
            .config()
            .labels
            .clone()
    }

    /// The model label each corpus label reads as.
    fn read_as(corpus: &[&str], model: &[String]) -> Vec<String> {
        let m = match_labels(&names(corpus), model, &[], false).unwrap();
        m.targets
            .iter()
            .map(|t| model[t.unwrap()].clone())
            .collect()
    }

    #[test]
    fn the_same_names_match_themselves() {
        let model = ravdess();
        let corpus: Vec<&str> = model.iter().map(String::as_str).collect();
        assert_eq!(read_as(&corpus, &model), model);
    }

    #[test]
    fn other_corpora_spellings_read_as_the_ravdess_labels() {
        // CREMA-D's codes, TESS's folder names, words of Python recipes, any case.
        assert_eq!(
            read_as(
                &[
                    "NEU",
                    "Happiness",
                    "SAD",
                    "ANG",
                    "fear",
                    "DIS",
                    "pleasant_surprise"
                ],
                &ravdess()
            ),
            names(&[
                "neutral",
                "happy",
                "sad",
                "angry",
                "fearful",
                "disgust",
                "surprised"
            ])
        );
        assert_eq!(read_as(&["Pleasant Surprise"], &ravdess()), ["surprised"]);
    }

    #[test]
    fn a_model_that_says_fear_reads_ravdess() {
        let model = names(&["anger", "fear", "joy", "neutral", "sadness", "surprise"]);
        assert_eq!(
            read_as(&["angry", "fearful", "happy", "sad", "surprised"], &model),
            names(&["anger", "fear", "joy", "sadness", "surprise"])
        );
    }

    #[test]
    fn an_unknown_label_is_an_error_naming_it_and_the_way_out() {
        let err = match_labels(&names(&["boredom", "sad"]), &ravdess(), &[], false).unwrap_err();
        assert!(err.contains("\"boredom\""), "{err}");
        assert!(err.contains("--label-map boredom=LABEL"), "{err}");
        assert!(err.contains("--skip-unmatched"), "{err}");
        // Single letters are never guessed (SAVEE's `a` is anger, EmoDB's `A` fear).
        assert!(match_labels(&names(&["a"]), &ravdess(), &[], false).is_err());
    }

    #[test]
    fn unmatched_labels_can_be_left_out() {
        let m = match_labels(&names(&["boredom", "sad"]), &ravdess(), &[], true).unwrap();
        assert_eq!(m.targets, vec![None, Some(3)]);
        assert_eq!(m.skipped, ["boredom"]);
        let corpus = names(&["boredom", "sad"]);
        let model = ravdess();
        assert_eq!(
            m.pairs(&corpus, &model).collect::<Vec<_>>(),
            [("sad", "sad")]
        );
    }

    #[test]
    fn pairs_given_come_first_and_are_checked() {
        let corpus = names(&["exc", "hap", "neu"]);
        let explicit = vec![
            ("exc".to_string(), "HAPPY".to_string()),
            ("neu".to_string(), "calm".to_string()),
        ];
        let m = match_labels(&corpus, &ravdess(), &explicit, false).unwrap();
        assert_eq!(m.targets, vec![Some(2), Some(2), Some(1)]);

        let wrong_model = vec![("exc".to_string(), "excited".to_string())];
        let err = match_labels(&corpus, &ravdess(), &wrong_model, false).unwrap_err();
        assert!(
            err.contains("\"excited\" is not one of the model's labels"),
            "{err}"
        );
        let wrong_corpus = vec![("boredom".to_string(), "neutral".to_string())];
        let err = match_labels(&corpus, &ravdess(), &wrong_corpus, false).unwrap_err();
        assert!(err.contains("no label \"boredom\""), "{err}");
    }

    #[test]
    fn two_model_labels_for_one_corpus_label_is_an_error() {
        let model = names(&["happy", "joy", "sad"]);
        let err = match_labels(&names(&["happiness"]), &model, &[], false).unwrap_err();
        assert!(err.contains("\"happy\", \"joy\""), "{err}");
        // An exact name still decides.
        assert_eq!(read_as(&["joy"], &model), ["joy"]);
    }
}
