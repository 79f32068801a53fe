"""The stories of tests/altsites17: a news agency that publishes each report in Arabic, English and French, and a
news site whose story pages carry the next stories inline ("infinite article").

A report of the agency: ``id``, ``g`` (year, month, day), ``time`` (HH:MM, Libya time), ``relevant`` (a human
judgement of the Arabic edition: about Libya *and* the armed conflict), and ``editions``: per language its
``title``, ``slug``, ``paras``, and how the edition's page is marked up: ``canonical`` (the language whose edition its
rel=canonical names: its own, or another's, as the agency's CMS does on some reports) and ``lang`` (the ``<html
lang>`` it is served with: its own, or a template's wrong one); ``unlisted``: the languages whose edition no feed
or listing links any more (an older report: the crawl meets its other editions only).
A story of the scroll site: ``id``, ``slug``, ``g``, ``time``, ``title``, ``paras``, ``relevant``."""

from __future__ import annotations

AGENCY = {"ar": "وكالة المتوسط للأنباء", "en": "Mediterranean News Agency", "fr": "Agence Méditerranée"}
SECTION = {"ar": "ليبيا", "en": "africa", "fr": "afrique"}

REPORTS = [
    {
        "id": 1512, "g": (2019, 4, 21), "time": "14:35", "relevant": True,
        "editions": {
            "ar": {
                "title": "اشتباكات عنيفة جنوب طرابلس ونزوح عشرات العائلات من عين زارة",
                "slug": "اشتباكات-عنيفة-جنوب-طرابلس", "canonical": "ar", "lang": "ar",
                "paras": [
                    "طرابلس - دارت اشتباكات عنيفة صباح الأحد بين قوات حكومة الوفاق الوطني وقوات حفتر في منطقة عين زارة جنوب العاصمة الليبية طرابلس، استخدمت فيها المدفعية الثقيلة والصواريخ.",
                    "وأفاد مراسل الوكالة بأن عشرات العائلات نزحت من المنطقة باتجاه وسط العاصمة، فيما أعلنت فرق الهلال الأحمر إجلاء عدد من المدنيين العالقين قرب خطوط المواجهة.",
                    "وقالت وزارة الصحة بحكومة الوفاق إن حصيلة القتلى منذ بدء الهجوم على طرابلس ارتفعت إلى 254 قتيلا، بينهم مدنيون، وأكثر من 1200 جريح.",
                ],
            },
            "en": {
                "title": "Heavy clashes south of Tripoli force dozens of families to flee Ain Zara",
                "slug": "heavy-clashes-south-of-tripoli", "canonical": "ar", "lang": "en",
                "paras": [
                    "TRIPOLI - Heavy clashes erupted on Sunday morning between forces of the Government of National Accord and Haftar's forces in the Ain Zara area south of the Libyan capital Tripoli, with heavy artillery and rockets used.",
                    "The agency's correspondent reported that dozens of families fled the area towards the centre of the capital, while Red Crescent teams said they had evacuated several civilians trapped near the front lines.",
                    "The health ministry of the Government of National Accord said the death toll since the start of the offensive on Tripoli had risen to 254, including civilians, with more than 1,200 wounded.",
                ],
            },
            "fr": {
                "title": "Violents combats au sud de Tripoli, des dizaines de familles fuient Ain Zara",
                "slug": "violents-combats-au-sud-de-tripoli", "canonical": "ar", "lang": "ar",
                "paras": [
                    "TRIPOLI - De violents combats ont éclaté dimanche matin entre les forces du gouvernement d'union nationale et celles de Haftar dans la zone d'Ain Zara, au sud de la capitale libyenne, avec l'usage de l'artillerie lourde et de roquettes.",
                    "Selon le correspondant de l'agence, des dizaines de familles ont fui la zone vers le centre de la capitale, tandis que les équipes du Croissant-Rouge ont évacué plusieurs civils bloqués près des lignes de front.",
                    "Le ministère de la Santé du gouvernement d'union nationale a indiqué que le bilan depuis le début de l'offensive sur Tripoli s'élevait à 254 morts, dont des civils, et plus de 1 200 blessés.",
                ],
            },
        },
    },
    {
        "id": 1530, "g": (2019, 5, 4), "time": "11:10", "relevant": True,
        "editions": {
            "ar": {
                "title": "المبعوث الأممي يدعو إلى هدنة إنسانية في طرابلس خلال شهر رمضان",
                "slug": "المبعوث-الأممي-يدعو-إلى-هدنة", "canonical": "en", "lang": "ar",
                "paras": [
                    "طرابلس - دعا المبعوث الأممي إلى ليبيا غسان سلامة السبت أطراف القتال في طرابلس إلى هدنة إنسانية لمدة أسبوع مع بداية شهر رمضان، تسمح بإيصال المساعدات وإجلاء الجرحى.",
                    "وقال سلامة في بيان إن المعارك المستمرة منذ شهر أدت إلى نزوح أكثر من 50 ألف شخص، وإن المهاجرين المحتجزين في مراكز الإيواء القريبة من خطوط القتال يواجهون خطرا داهما.",
                    "ولم يصدر حتى الآن أي رد من حكومة الوفاق أو من القيادة العامة لقوات حفتر على الدعوة.",
                ],
            },
            "en": {
                "title": "UN envoy calls for humanitarian truce in Tripoli during Ramadan",
                "slug": "un-envoy-calls-for-humanitarian-truce", "canonical": "en", "lang": "ar",
                "paras": [
                    "TRIPOLI - The UN envoy to Libya, Ghassan Salame, on Saturday called on the warring parties in Tripoli to observe a one-week humanitarian truce at the start of Ramadan, to allow aid deliveries and the evacuation of the wounded.",
                    "Salame said in a statement that a month of fighting had displaced more than 50,000 people, and that migrants held in detention centres near the front lines faced imminent danger.",
                    "There has so far been no response to the call from the Government of National Accord or from the general command of Haftar's forces.",
                ],
            },
        },
    },
    {
        "id": 1547, "g": (2019, 9, 10), "time": "09:00", "relevant": False,
        "editions": {
            "ar": {
                "title": "ارتفاع إنتاج التمور في واحات الجفرة هذا الموسم",
                "slug": "ارتفاع-إنتاج-التمور-في-الجفرة", "canonical": "ar", "lang": "ar",
                "paras": [
                    "هون - توقع مزارعو واحات الجفرة وسط ليبيا ارتفاع إنتاج التمور هذا الموسم بنحو الثلث مقارنة بالموسم الماضي، بفضل وفرة مياه الري وتراجع الآفات.",
                    "وقال رئيس جمعية المزارعين في هون إن أصناف الصعيدي والتاسفرت تلقى إقبالا كبيرا في الأسواق المحلية، وإن المزارعين يأملون في فتح أسواق للتصدير إلى دول الجوار.",
                ],
            },
            "fr": {
                "title": "Hausse de la production de dattes dans les oasis d'Al-Jufra",
                "slug": "hausse-de-la-production-de-dattes", "canonical": "fr", "lang": "en",
                "paras": [
                    "HOUN - Les agriculteurs des oasis d'Al-Jufra, dans le centre de la Libye, prévoient une hausse d'environ un tiers de la production de dattes cette saison par rapport à la précédente, grâce à l'abondance de l'eau d'irrigation et au recul des parasites.",
                    "Le président de l'association des agriculteurs de Houn a déclaré que les variétés Saidi et Tasfirt sont très demandées sur les marchés locaux, et que les producteurs espèrent ouvrir des marchés d'exportation vers les pays voisins.",
                ],
            },
        },
    },
    {
        "id": 1563, "g": (2019, 10, 2), "time": "17:20", "relevant": False,
        "editions": {
            "ar": {
                "title": "افتتاح معرض للكتاب في مدينة بنغازي بمشاركة خمسين دار نشر",
                "slug": "افتتاح-معرض-للكتاب-في-بنغازي", "canonical": "ar", "lang": "ar",
                "paras": [
                    "بنغازي - افتتح في مدينة بنغازي الأربعاء معرض للكتاب بمشاركة خمسين دار نشر ليبية وعربية، ويستمر عشرة أيام.",
                    "ويضم المعرض أجنحة لكتب الأطفال والروايات والكتب العلمية، إلى جانب أمسيات شعرية وندوات عن واقع النشر في ليبيا.",
                ],
            },
        },
    },
    {
        "id": 1505, "g": (2019, 4, 12), "time": "20:05", "relevant": True, "unlisted": ["ar"],
        "editions": {
            "ar": {
                "title": "قوات حفتر تعلن السيطرة على مطار طرابلس القديم",
                "slug": "قوات-حفتر-تعلن-السيطرة-على-المطار", "canonical": "ar", "lang": "ar",
                "paras": [
                    "طرابلس - أعلنت قوات حفتر الجمعة سيطرتها على مطار طرابلس الدولي القديم جنوب العاصمة، بعد اشتباكات استمرت يومين مع قوات حكومة الوفاق الوطني.",
                    "ونفى المتحدث باسم قوات حكومة الوفاق ذلك، مؤكدا أن قواته ما زالت تسيطر على محيط المطار وأن المعارك مستمرة.",
                ],
            },
            "en": {
                "title": "Haftar's forces claim control of Tripoli's old airport",
                "slug": "haftar-forces-claim-tripoli-old-airport", "canonical": "ar", "lang": "en",
                "paras": [
                    "TRIPOLI - Haftar's forces said on Friday they had taken control of the old Tripoli International Airport south of the capital, after two days of clashes with forces of the Government of National Accord.",
                    "A spokesman for the forces of the Government of National Accord denied the claim, saying his troops still held the area around the airport and that fighting was continuing.",
                ],
            },
        },
    },
]

SCROLL_SITE = "بوابة الأفق الإخبارية"

# Newest first: a story page carries, below its own story, the next (older) stories of this list.
SCROLL_STORIES = [
    {
        "id": 88231, "slug": "tarhuna-drone-strike", "g": (2019, 8, 4), "time": "19:45", "relevant": True,
        "title": "مقتل مدنيين في غارة بطائرة مسيرة على ترهونة",
        "paras": [
            "قتل ثلاثة مدنيين وأصيب خمسة آخرون مساء الأحد في غارة نفذتها طائرة مسيرة على حي سكني في مدينة ترهونة جنوب شرقي العاصمة الليبية طرابلس، بحسب ما أفاد به مصدر طبي في مستشفى المدينة.",
            "وقال المصدر إن بين الجرحى طفلين، وإن الغارة استهدفت منزلا قريبا من مقر عسكري تابع لقوات حفتر التي تتخذ من ترهونة قاعدة لعملياتها على جبهات جنوب طرابلس.",
            "وتتبادل قوات حكومة الوفاق وقوات حفتر الاتهامات باستهداف المدنيين منذ بدء الهجوم على العاصمة في أبريل الماضي، فيما تقول البعثة الأممية إن الضربات الجوية أوقعت أكثر من مئة قتيل مدني.",
        ],
    },
    {  # a brief: one paragraph, shorter than either teaser's lead under it and either story carried below it
        "id": 88225, "slug": "explosions-south-tripoli", "g": (2019, 8, 3), "time": "23:15", "relevant": True,
        "title": "دوي انفجارات عنيفة في محور عين زارة جنوب طرابلس",
        "paras": [
            "سمع دوي انفجارات عنيفة ليل السبت في محور عين زارة جنوب العاصمة الليبية طرابلس، وسط تبادل للقصف المدفعي بين قوات حكومة الوفاق وقوات حفتر.",
        ],
    },
    {
        "id": 88219, "slug": "benghazi-summer-festival", "g": (2019, 8, 3), "time": "12:10", "relevant": False,
        "title": "انطلاق المهرجان الصيفي للأطفال على شاطئ بنغازي",
        "paras": [
            "انطلقت السبت فعاليات المهرجان الصيفي للأطفال على شاطئ جليانة في مدينة بنغازي، بمشاركة فرق مسرحية وموسيقية من عدة مدن ليبية، ويستمر أسبوعا كاملا.",
            "ويتضمن المهرجان عروضا للدمى ومسابقات في الرسم والسباحة وورشا للأشغال اليدوية، إلى جانب ركن للكتب المصورة تشرف عليه مكتبة المدينة.",
            "وقالت اللجنة المنظمة إن الدخول مجاني لجميع الأسر، وإن الفعاليات تبدأ يوميا عند الخامسة مساء وتستمر حتى العاشرة ليلا.",
        ],
    },
    {
        "id": 88204, "slug": "misrata-reinforcements-tripoli", "g": (2019, 8, 2), "time": "08:30", "relevant": True,
        "title": "تعزيزات عسكرية من مصراتة تصل إلى محاور القتال جنوب طرابلس",
        "paras": [
            "وصلت فجر الجمعة تعزيزات عسكرية من مدينة مصراتة إلى محاور القتال جنوب العاصمة طرابلس، تضم عشرات الآليات المسلحة، دعما لقوات حكومة الوفاق في محوري صلاح الدين والخلاطات.",
            "وقال المتحدث باسم عملية بركان الغضب إن التعزيزات تأتي استعدادا لمرحلة جديدة من المعارك، متهما قوات حفتر بقصف الأحياء السكنية بشكل عشوائي.",
            "في المقابل قال المركز الإعلامي لغرفة عمليات الكرامة إن قواته صدت هجوما على محور اليرموك وكبدت المهاجمين خسائر كبيرة.",
        ],
    },
    {
        "id": 88190, "slug": "tripoli-fuel-queues", "g": (2019, 8, 1), "time": "16:05", "relevant": False,
        "title": "طوابير طويلة أمام محطات الوقود في مدن الغرب الليبي",
        "paras": [
            "اصطفت طوابير طويلة من السيارات أمام محطات الوقود في عدد من مدن الغرب الليبي الخميس، بسبب تأخر وصول شحنات البنزين إلى المستودعات، بحسب شركة البريقة لتسويق النفط.",
            "وقالت الشركة في بيان إن ناقلة محملة بالوقود وصلت إلى ميناء الزاوية وإن التوزيع سيعود إلى طبيعته خلال يومين، داعية المواطنين إلى عدم التخزين.",
        ],
    },
    {
        "id": 88177, "slug": "gharyan-shelling-hospital", "g": (2019, 7, 31), "time": "22:50", "relevant": True,
        "title": "قصف يطال محيط مستشفى غريان الميداني",
        "paras": [
            "سقطت عدة قذائف ليل الأربعاء في محيط المستشفى الميداني بمدينة غريان جنوب طرابلس، ما ألحق أضرارا بسيارات الإسعاف وأدى إلى إصابة اثنين من المسعفين.",
            "وأدانت منظمة الصحة العالمية استهداف المرافق الصحية في ليبيا، مذكرة بأن القانون الدولي الإنساني يحظر الهجوم على المستشفيات والطواقم الطبية في أثناء النزاعات المسلحة.",
        ],
    },
]
