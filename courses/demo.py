"""Demo data for courses: the catalog of the 2020 programme (乐师院继教〔2020〕13号)
with its four modules and one elective, the seed-teacher and principal tracks,
and varied progress for the demo teachers, all written through the services.

Idempotent: pages are matched by slug or course code and a new revision is
published only when content differs; learning events are sent only when they
would change something, so a second run writes nothing."""

import datetime
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from wagtail.models import Page

from cms.models import HomePage
from people.models import Cohort, User

from . import services
from .h5p.quiz_package import DEMO_QUIZZES, build_quiz_package
from .h5p.services import h5p_package_create, h5p_package_unpack
from .models import (
    Audience,
    CourseCategory,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    H5PPackage,
    LessonPage,
    LessonProgress,
    Programme,
    Reflection,
    Track,
    TrackCourse,
    TrackEnrolment,
    XAPIStatement,
)
from .models.learning import Source
from .selectors import activity_iri

# Block ids derive from this namespace, the lesson and the block's place among
# blocks of its type, so re-seeding compares equal and reflections keep their id.
BLOCK_ID_NAMESPACE = uuid.UUID("5b0c6a52-3f1e-4f59-9d1e-6c0de2020013")

K = CoursePage.Kind
D = CoursePage.Delivery

CATEGORIES = [
    ("teacher-ethics", "师德师风", "Teacher ethics and conduct"),
    ("teaching-skills", "教育教学基本技能", "Basic teaching skills"),
    (
        "left-behind-children",
        "留守儿童心理辅导",
        "Counselling for left-behind children",
    ),
    ("ict-2", "信息技术应用能力提升", "ICT application ability (Project 2.0)"),
]

INDEX_INTRO = (
    "洪溪片区教师在线研修的必修与选修课程：师德师风、教育教学基本技能、留守儿童心理辅导、"
    "信息技术应用能力提升工程2.0，以及同课异构与校本研修。每门课程由若干课时组成，"
    "学完全部课时即完成课程，学时计入个人学时记录。"
)


def H(text):
    return ("heading", {"text": text, "size": "h2"})


def P(html):
    return ("paragraph", html)


def Q(text, source):
    return ("quote", {"text": text, "source": source})


def R(prompt, min_chars=100):
    return ("reflection", {"prompt": prompt, "min_chars": min_chars})


# Lessons: (slug, title, minutes, summary, blocks) ------------------------------

ETHICS_LESSONS = [
    ("ten-standards", "《新时代中小学教师职业行为十项准则》解读", 40,
     "十项准则的由来、内容和它在乡村学校日常工作中的样子。", [
        H("准则的由来"),
        P("<p>2018年11月，教育部印发《新时代中小学教师职业行为十项准则》，同时修订印发《中小学教师违反职业道德行为处理办法》。"
          "十项准则针对新时代教师的职业特点，对教师职业行为提出明确要求：每一条先讲应当怎样做，再划出“不得”的底线。</p>"
          "<p>准则并不是额外的负担。它把教师法、义务教育法和教师职业道德规范中的要求，集中成日常工作中看得见、做得到、可检查的十条。</p>"),
        H("十项准则"),
        P("<ol>"
          "<li><b>坚定政治方向。</b>拥护中国共产党的领导，贯彻党的教育方针。</li>"
          "<li><b>自觉爱国守法。</b>忠于祖国，忠于人民，恪守宪法原则，遵守法律法规，依法履行教师职责。</li>"
          "<li><b>传播优秀文化。</b>带头践行社会主义核心价值观，弘扬真善美，传递正能量；不得发表、转发错误观点，或编造散布虚假信息、不良信息。</li>"
          "<li><b>潜心教书育人。</b>落实立德树人根本任务，遵循教育规律和学生成长规律，因材施教；不得敷衍教学，或擅自从事影响教育教学本职工作的兼职兼薪行为。</li>"
          "<li><b>关心爱护学生。</b>严慈相济，诲人不倦，真心关爱学生，严格要求学生；不得歧视、侮辱学生，严禁虐待、伤害学生。</li>"
          "<li><b>加强安全防范。</b>增强安全意识，加强安全教育，保护学生安全；不得在遇突发事件、面临危险时不顾学生安危，擅离职守，自行逃离。</li>"
          "<li><b>坚持言行雅正。</b>为人师表，以身作则，举止文明，作风正派；不得与学生发生任何不正当关系，严禁任何形式的猥亵、性骚扰行为。</li>"
          "<li><b>秉持公平诚信。</b>坚持原则，处事公道；不得在招生、考试、推优、评优评奖等工作中徇私舞弊、弄虚作假。</li>"
          "<li><b>坚守廉洁自律。</b>严于律己，清廉从教；不得索要、收受学生及家长财物，不得向学生推销图书报刊、教辅材料。</li>"
          "<li><b>规范从教行为。</b>勤勉敬业，乐于奉献；不得组织、参与有偿补课，或为校外培训机构介绍生源。</li>"
          "</ol>"),
        H("对照日常工作"),
        P("<p>准则的许多要求，落在乡村学校里就是具体的小事：放学时把低年级学生安全交到家长或监护人手中；批评学生对事不对人，不说伤自尊的话；"
          "家长送来土特产、请吃饭时婉言谢绝；不在班级群里转发未经核实的消息。</p>"
          "<p>违反准则的，依照《中小学教师违反职业道德行为处理办法》处理，处理方式包括警告、记过、降低岗位等级或撤职、开除等，情节严重的还可能依法撤销教师资格。"
          "学习准则更重要的意义在于预防：清楚底线在哪里，才能把精力放心地用在教书育人上。</p>"),
        Q("坚持把师德师风作为评价教师队伍素质的第一标准。",
          "教育部等七部门《关于加强和改进新时代师德师风建设的意见》（2019年）"),
    ]),
    ("care-and-law", "关爱学生与依法执教", 35,
     "关爱与严格要求的关系；教师法、义务教育法、未成年人保护法和教育惩戒规则划出的底线。", [
        H("关爱学生是师德的核心"),
        P("<p>“关心爱护学生”是十项准则中与学生关系最直接的一条。关爱不是溺爱：既要“严”，对学习和行为有清楚的要求；也要“慈”，"
          "尊重每个学生的人格，不因成绩、家庭、民族、性别或身体状况区别对待。</p>"
          "<p>在乡村学校，关爱常常体现在细节里：记得每个学生的名字，留意谁没吃早饭、谁的衣服单薄，"
          "对汉语还不熟练、说话慢的学生多一点耐心，给他们把话说完的时间。</p>"),
        H("法律划出的底线"),
        P("<ul>"
          "<li>《中华人民共和国教师法》规定，教师应当关心、爱护全体学生，尊重学生人格，制止有害于学生的行为或者其他侵犯学生合法权益的行为。</li>"
          "<li>《中华人民共和国义务教育法》规定，教师应当尊重学生的人格，不得歧视学生，不得对学生实施体罚、变相体罚或者其他侮辱人格尊严的行为。</li>"
          "<li>《中华人民共和国未成年人保护法》（2020年修订）规定，密切接触未成年人的单位及其工作人员，在工作中发现未成年人身心健康受到侵害、"
          "疑似受到侵害或者面临其他危险情形的，应当立即向公安、民政、教育等有关部门报告。</li>"
          "</ul>"),
        H("教育惩戒要依规"),
        P("<p>教育部《中小学教育惩戒规则（试行）》自2021年3月1日起施行。规则所称教育惩戒，是学校、教师基于教育目的，"
          "对违规违纪学生进行管理、训导或者以规定方式予以矫治，促使学生引以为戒、认识和改正错误的教育行为。</p>"
          "<p>教师在课堂上可以点名批评，责令学生赔礼道歉、做口头或者书面检讨等；规则同时明确禁止："
          "以击打、刺扎等方式直接造成身体痛苦的体罚，超过正常限度的罚站、反复抄写等变相体罚，辱骂或者以歧视性、侮辱性的言行侵犯学生人格尊严，"
          "因学业成绩惩戒学生，以及因个人情绪、好恶实施或者选择性实施惩戒。</p>"
          "<p>惩戒的目的是教育。实施之后要与学生谈心，关注他的情绪，并与家长或监护人沟通。</p>"),
    ]),
    ("rooted-teachers", "做扎根乡村的好老师", 30,
     "“四有”好老师的要求，以及在民族地区乡村学校践行师德的具体做法。", [
        H("“四有”好老师"),
        P("<p>2014年教师节前夕，习近平总书记在北京师范大学同师生代表座谈时提出，做党和人民满意的好老师，"
          "要有理想信念、有道德情操、有扎实学识、有仁爱之心。“四有”是教师对照自己、规划成长的一面镜子。</p>"),
        H("在民族地区乡村学校践行师德"),
        P("<ul>"
          "<li><b>尊重学生的语言和文化。</b>学生在家说彝语是自然的事。教学中推广国家通用语言文字，同时不嘲笑学生的口音，不贬低学生的民族习俗，"
          "可以把火把节、彝族年等学生熟悉的生活经验作为学习的起点。</li>"
          "<li><b>守住每一个学生。</b>配合学校做好控辍保学，学生缺课要及时了解原因、联系家长，必要时与村干部一起家访。</li>"
          "<li><b>把安全放在前面。</b>山路远、河沟多，上学放学路上、午休和课间的安全教育要经常讲、反复讲。</li>"
          "<li><b>做学生和家长信得过的人。</b>说到做到，处事公道，不收礼，不在家长面前议论其他学生。</li>"
          "</ul>"),
        P("<p>乡村教师工作辛苦，也容易疲惫。师德也包括爱护自己：与同事互相支持，有困难向学校反映，通过学习和研修让工作更有办法、更有成就感。</p>"),
        R("<p>对照十项准则，回顾你最近一个月的工作：哪一件事让你觉得自己做得好？哪一件事以后会换一种做法？"
          "请写出事情经过和你的想法（不少于100字）。</p>"),
    ]),
]  # fmt: skip

SKILLS_LESSONS = [
    ("lesson-design", "教学设计：从课程标准到一节课", 40,
     "教学设计的基本要素，用可检查的方式写教学目标，从学生出发做学情分析。", [
        H("教学设计的基本要素"),
        P("<p>一份完整的教学设计通常包括：教材分析、学情分析、教学目标、教学重点与难点、教学过程、板书设计、作业设计和教学反思。"
          "其中<b>教学目标</b>决定了其余部分怎样写：先想清楚学生学完这节课能做什么，再决定用什么活动、怎样检查。</p>"),
        H("写清楚教学目标"),
        P("<p>目标的主语是学生，而不是教师。“使学生理解……”“培养学生……”这样的写法很难检查。"
          "常用的 ABCD 表述法可以帮助我们写清楚：对象（谁）、行为（能做什么，用“说出”“写出”“比较”“解释”等可观察的动词）、"
          "条件（在什么情况下，如“借助数轴”“读完第二段后”）、标准（做到什么程度，如“至少找出三处”）。</p>"
          "<p>例：学生读完课文后，能用自己的话说出作者描写家乡的三处景物，并找出一个表达喜爱之情的句子。</p>"),
        H("学情分析：从学生出发"),
        P("<p>学情分析要回答三个问题：学生已经会什么？可能在哪里卡住？生活经验里有什么可以利用？"
          "在民族地区乡村学校，还要考虑学生的汉语水平和课外阅读条件。课前的一道小题、一次简短的提问、翻看上次的作业，都是了解学情的办法。</p>"
          "<p>设计时可以“倒着想”：先确定目标，再设计怎样检验目标是否达成，最后安排教学活动。这样每个活动都有明确的用途。</p>"),
    ]),
    ("questioning", "课堂提问与反馈", 35,
     "设计有层次的问题，给足等待时间，扩大参与面，给出具体的反馈。", [
        H("问题的层次"),
        P("<p>课堂提问常见的毛病是问题太多、太碎、太浅，“对不对”“是不是”式的问题占了大半。"
          "设计提问时，可以参考布鲁姆教育目标分类（修订版）的认知层次：记忆、理解、应用、分析、评价、创造。"
          "一节课里既要有检查基础的问题，也要安排几个需要学生思考、解释或比较的关键问题。</p>"),
        H("提问的技巧"),
        P("<ul>"
          "<li><b>先问后点名。</b>先向全班提出问题，留出思考时间，再请学生回答，让每个人都有思考的责任。</li>"
          "<li><b>给足等待时间。</b>提问后停顿几秒再请人回答；对需要把彝语里的想法转成汉语表达的学生，等待尤其重要。</li>"
          "<li><b>扩大参与面。</b>不要总请举手最快的几位学生；可以先同桌说一说，再请小组代表回答。</li>"
          "<li><b>追问。</b>学生回答后问一句“你是怎么想的？”“谁有不同的看法？”，把答案背后的思路引出来。</li>"
          "</ul>"),
        H("反馈要具体"),
        P("<p>“很好”“不对”这样的评价很难帮助学生进步。有效的反馈指出做对了什么、还差什么、下一步怎么做，"
          "例如：“你找到了关键词‘因为’，说明你注意到了原因；再想想第二个原因在哪一段。”</p>"
          "<p>对回答错误的学生，先肯定其中合理的部分，保护他再次发言的意愿。</p>"),
    ]),
    ("classroom-management", "课堂管理与班级常规", 35,
     "用常规预防问题，课堂上的非言语提醒，培养“五会”“五洗”好习惯。", [
        H("预防胜于处理"),
        P("<p>良好的课堂秩序主要靠事先建立的常规，而不是事后的批评。开学初用几周时间，和学生一起约定少而清楚的课堂规则，"
          "例如“发言先举手”“听到信号停下手中的事”，并反复练习怎样收发作业本、怎样分组、怎样从讨论回到安静。常规形成后，可以节省大量课堂时间。</p>"),
        H("课堂上的小办法"),
        P("<ul>"
          "<li>用固定的信号（拍手节奏、举手示意）集中注意力，而不是提高嗓门。</li>"
          "<li>在教室里走动，用眼神、走近、轻敲桌面等非言语方式提醒走神的学生，不打断全班。</li>"
          "<li>个别学生的问题行为，尽量课后单独谈，弄清原因：是没听懂、没吃饱，还是家里有事？</li>"
          "<li>及时、具体地表扬遵守常规的行为，让学生知道老师期待什么。</li>"
          "</ul>"),
        H("培养良好的习惯"),
        P("<p>帮扶方案提出，要指导学生养成“会预习、会阅读、会作业、会思考、会复习”的“五会”学习习惯，"
          "以及“洗脸、洗手、洗头、洗衣、洗澡”的“五洗”生活习惯。习惯靠每天坚持的常规养成：例如课前几分钟检查预习，每周整理一次错题，"
          "并请家长或监护人配合督促。</p>"),
    ]),
    ("homework-design", "作业设计与“双减”要求", 35,
     "“双减”对作业总量和时长的要求，以及设计分层、有用的作业。", [
        H("“双减”对作业的要求"),
        P("<p>2021年7月，中共中央办公厅、国务院办公厅印发《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》，"
          "要求全面压减作业总量和时长：小学一、二年级不布置家庭书面作业，可在校内适当安排巩固练习；"
          "小学三至六年级书面作业平均完成时间不超过60分钟；初中书面作业平均完成时间不超过90分钟。</p>"),
        H("设计有用的作业"),
        P("<ul>"
          "<li><b>目标一致。</b>作业对应本节课的教学目标，不布置机械重复、惩罚性的作业。</li>"
          "<li><b>分层可选。</b>设置基础题和拓展题，让不同水平的学生都能完成并有所收获。</li>"
          "<li><b>贴近生活。</b>可以布置观察、调查、动手实践类作业，例如记录一周的天气、测量家里的一件物品。</li>"
          "<li><b>认真批改，及时反馈。</b>发现共性错误，在下节课集中讲评。</li>"
          "</ul>"
          "<p>不少学生放学后要帮家里干活，家中也缺少辅导。利用课后服务时间指导学生在校内完成书面作业，是乡村学校落实“双减”的实际办法。</p>"),
        R("<p>选择你最近教过的一节课，按本课程介绍的方法重写这节课的教学目标（至少两条），并为它设计一份分层作业。"
          "说明你这样修改的理由（不少于100字）。</p>"),
    ]),
]  # fmt: skip

LEFT_BEHIND_LESSONS = [
    ("emotional-needs", "认识留守儿童的情感需求", 30,
     "留守儿童的界定、常见的情感需求，以及需要教师留意的信号。", [
        H("谁是留守儿童"),
        P("<p>2016年印发的《国务院关于加强农村留守儿童关爱保护工作的意见》将农村留守儿童界定为："
          "父母双方外出务工或一方外出务工另一方无监护能力、不满十六周岁的未成年人。"
          "在劳务输出较多的山区，不少学生由祖父母或其他亲属照顾，也有的由哥哥姐姐照看。</p>"),
        H("常见的情感需求"),
        P("<p>留守并不等于“问题儿童”，很多留守儿童懂事、能干、适应力强。但长期与父母分离，孩子往往更需要：</p>"
          "<ul>"
          "<li><b>安全感</b>：知道身边有可靠的大人，出了事有人管；</li>"
          "<li><b>被关注</b>：有人记得他的生日，注意到他的进步；</li>"
          "<li><b>归属感</b>：在班级和同伴中有自己的位置；</li>"
          "<li><b>与父母的联系</b>：经常听到父母的声音，知道父母惦记自己。</li>"
          "</ul>"),
        H("需要留意的信号"),
        P("<p>以下变化可能说明孩子正在经历困难：情绪持续低落或容易发脾气；突然不愿说话、回避同伴；成绩明显下滑或经常缺课；"
          "常说身体不舒服；衣着、卫生、饮食明显变差；身上有说不清来由的伤痕。</p>"
          "<p>教师的任务不是诊断，而是<b>及早发现、耐心了解、及时联系</b>：与学生谈一谈，与监护人沟通，告诉班主任或学校负责人。"
          "不要给孩子贴标签，也不要在全班面前谈论他的家庭情况。</p>"),
    ]),
    ("care-in-class", "在班级中关爱留守儿童", 30,
     "建立档案、结对关爱、帮助孩子联系父母，倾听与共情的基本方法，何时必须报告。", [
        H("建立档案，落实到人"),
        P("<p>许多学校为留守儿童建立“一人一档”，记录监护人、父母务工地点和联系方式、健康和学习情况，并安排教师结对关爱。"
          "档案要及时更新、妥善保管，只用于关爱和保护学生，不对外公开。</p>"),
        H("日常关爱的做法"),
        P("<ul>"
          "<li><b>定期谈心。</b>每周找机会与结对的孩子单独聊几分钟，先听，不急于说教。</li>"
          "<li><b>帮助联系父母。</b>利用学校电话或视频通话，让孩子定期与外出务工的父母说说话。</li>"
          "<li><b>同伴互助。</b>安排学习伙伴、值日小组，让孩子在集体中有朋友、有责任。</li>"
          "<li><b>丰富校园生活。</b>文体活动、阅读角、兴趣小组能让孩子在学校找到快乐和自信。</li>"
          "<li><b>关注特殊时刻。</b>节假日前后、父母离家返岗时，孩子情绪容易波动，要多一些陪伴。</li>"
          "</ul>"),
        H("倾听与共情"),
        P("<p>当孩子愿意说时，教师可以坐在孩子旁边，平视孩子；用孩子听得懂的话说出他的感受，"
          "如“爸爸妈妈过年没回来，你很想他们，对吗？”；不急着评判或讲道理；最后和孩子一起想一件今天就能做的小事。</p>"
          "<p>如果孩子流露出伤害自己的念头，或者说出受到伤害的经历，不要答应替他保密：要立即报告学校、联系监护人，并依法向有关部门报告。</p>"),
    ]),
    ("home-visits", "家访与家校沟通", 35,
     "家访前的准备、家访中的沟通，与外出务工父母保持联系。", [
        H("家访前的准备"),
        P("<ul>"
          "<li>明确目的：了解孩子的生活环境，与监护人商量具体的配合办法，而不是“告状”。</li>"
          "<li>提前约定时间，尽量两位教师同行；路远或天气不好时注意安全。</li>"
          "<li>监护人主要说彝语的，请会说彝语的同事一起去，或提前准备好要说的要点。</li>"
          "</ul>"),
        H("家访中"),
        P("<p>尊重家庭的习俗和生活方式，先说孩子的优点和进步，再谈需要共同努力的地方。"
          "祖辈监护人往往能照顾好孩子的吃穿，却难以辅导学习，可以和他们商量简单易行的办法：每天问一问作业做完没有，按时睡觉，不让孩子独自下河游泳。</p>"
          "<p>记下监护人和父母的联系方式，告诉他们有事可以随时找老师。</p>"),
        H("与外出务工的父母保持联系"),
        P("<p>通过电话、微信与父母定期沟通，多讲孩子的具体表现，少用空泛的评价。提醒父母：常给孩子打电话，对孩子的承诺要兑现。</p>"
          "<p>《中华人民共和国家庭教育促进法》自2022年1月1日起施行，明确父母或者其他监护人承担对未成年人实施家庭教育的主体责任；"
          "父母依法委托他人代为照护未成年人的，应当与被委托人、未成年人保持联系，定期了解未成年人学习、生活情况和心理状况。"
          "学校可以借此与家长一起商量各自能做的事。</p>"),
        R("<p>写一写你班上（或你结对关爱）的一个留守儿童：他在生活和学习上有哪些困难？你准备在这个学期做哪两三件具体的事来帮助他？"
          "请用化名书写，保护孩子的隐私（不少于100字）。</p>"),
    ]),
]  # fmt: skip

ICT_LESSONS = [
    ("what-is-2-0", "能力提升工程2.0是什么", 30,
     "工程2.0的目标、“整校推进”的做法和四川省的学时要求。", [
        H("目标：“三提升一全面”"),
        P("<p>2019年3月，教育部印发《关于实施全国中小学教师信息技术应用能力提升工程2.0的意见》，提出到2022年基本实现“三提升一全面”的总体发展目标："
          "校长信息化领导力、教师信息化教学能力、培训团队信息化指导能力显著提升，全面促进信息技术与教育教学融合创新发展。</p>"),
        H("整校推进"),
        P("<p>工程2.0以学校为单位“整校推进”：校长是第一责任人，学校结合本校的信息化教学环境和发展需要制定校本研修方案，"
          "确定教师要学习和实践的能力点，把信息技术应用与日常教研、课堂教学结合起来，构建以校为本、基于课堂、应用驱动、注重创新、精准测评的教师信息素养发展新机制。</p>"
          "<p>帮扶方案要求，指导洪溪片区学校按照《全国中小学教师信息技术应用能力提升工程2.0整校推进实施指南》，"
          "帮助教师提高应用信息技术进行教学设计、课堂教学和学业评价等能力。</p>"),
        H("四川省的学时要求"),
        P("<p>四川省要求中小学教师在本轮工程周期内完成不少于50学时的研修，由线上课程学习和校本实践应用两部分组成。"
          "具体的学时分配和考核办法，以所在县和学校的实施方案为准。</p>"),
    ]),
    ("micro-abilities", "三种环境与30个微能力点", 35,
     "多媒体、混合式、智慧三种教学环境，四个能力维度，怎样选择和实践能力点。", [
        H("三种教学环境"),
        P("<p>工程2.0把教师的信息技术应用能力细分为30个微能力点，按学校的教学环境分为三类：</p>"
          "<ul>"
          "<li><b>多媒体教学环境</b>（A1—A13，共13个）：教室里有电脑、投影或一体机，教师用技术辅助讲授和演示；</li>"
          "<li><b>混合式学习环境</b>（B1—B10，共10个）：学生可以在课内外通过网络学习，线上与线下结合；</li>"
          "<li><b>智慧学习环境</b>（C1—C7，共7个）：学生人手一台终端，学习过程的数据可以采集和分析。</li>"
          "</ul>"),
        H("四个能力维度"),
        P("<p>各环境中的能力点又分属<b>学情分析、教学设计、学法指导、学业评价</b>四个维度。"
          "例如，A1“技术支持的学情分析”、A3“演示文稿设计与制作”属于多媒体教学环境；B2“微课程设计与制作”、B6“技术支持的展示交流”属于混合式学习环境。</p>"
          "<p>教师按学校方案选择若干能力点（通常不少于3个，并尽量覆盖不同维度），在真实课堂中实践，再按能力点的要求提交实践成果，"
          "如教学设计、课堂实录片段、学生作品或反思。成果按优秀、合格、不合格评定。</p>"),
        H("从学校的实际条件出发"),
        P("<p>片区学校的设备和网络条件差别较大。选择能力点时，应从已经具备的设备出发，优先选择能马上在课堂里用起来的能力点，"
          "而不是追求复杂的平台和设备。</p>"),
    ]),
    ("low-bandwidth", "网络条件有限时的信息化教学", 30,
     "提前下载资源、用手机展示学生作品、用好“三个课堂”，保护学生隐私。", [
        H("资源先下载，课堂不卡顿"),
        P("<ul>"
          "<li>在网络较好的时段，把要用的视频、课件提前下载到电脑或U盘，上课时离线播放。</li>"
          "<li>选用清晰度适中、时长较短的视频片段，只播放与教学目标直接相关的部分。</li>"
          "<li>课件以文字清楚、图片恰当为原则，避免大量动画和过大的文件。</li>"
          "<li>用手机拍下学生的作品投到屏幕上展示，是简单而有效的展示交流方式。</li>"
          "</ul>"),
        H("用好“三个课堂”"),
        P("<p>帮扶方案提出，要搭建美姑县课堂教学资源共享平台，支持“双师”教学（直播中的名师、线下辅导的教师），"
          "推动“专递课堂”“名师课堂”“名校网络课堂”落地生效。</p>"
          "<p>使用直播或录播课时，本校教师不是旁观者：课前先看一遍，了解内容和节奏；课中在关键处暂停，用学生听得懂的话再讲一遍，组织练习；"
          "课后根据本班学生的情况补充辅导。</p>"),
        H("保护学生隐私"),
        P("<p>在班级群和平台上发布学生照片、成绩时要慎重，不公开排名，不泄露学生和家庭的个人信息。"
          "使用学习软件要选择正规平台，不要求学生和家长下载来路不明的应用。</p>"),
        R("<p>选择一个你准备在本学期实践的能力点，写出：你选择它的理由、打算在哪一节课中使用、需要哪些设备和资源、准备提交什么成果（不少于100字）。</p>"),
    ]),
]  # fmt: skip

SCHOOL_RESEARCH_LESSONS = [
    ("same-lesson-different-designs", "什么是同课异构", 30,
     "同课异构的含义和一次活动的步骤。", [
        H("同一课题，不同设计"),
        P("<p>同课异构是指不同教师针对同一教学内容，根据各自对教材的理解和对学生的了解，分别进行教学设计并上课，"
          "教研组通过观课和比较研讨，找出更有效的教学方法。它让教师看到“同一篇课文还可以这样教”，也让讨论有了具体的课例作依据。</p>"),
        H("一次同课异构活动的步骤"),
        P("<ol>"
          "<li>教研组确定课题和研讨主题，例如“低年级识字教学怎样设计活动”。</li>"
          "<li>两到三位教师独立备课，写出教学设计。</li>"
          "<li>依次上课，其他教师分工观课、做记录。</li>"
          "<li>围绕研讨主题比较几节课的异同，用课堂上的证据说话。</li>"
          "<li>执教教师修改设计，必要时再上一次，形成课例成果。</li>"
          "</ol>"
          "<p>帮扶方案把“凝练一份同课异构的课堂教学案例成果”列为洪溪初级中学和依果觉乡小学校的任务之一，"
          "并组织片区教师与乐山市优质中小学教师开展同课异构教研活动。</p>"),
    ]),
    ("lesson-observation", "观课议课：用证据讨论课堂", 30,
     "带着观察点观课，以学论教、用事实说话的议课原则。", [
        H("带着问题观课"),
        P("<p>观课前先明确观察点，分工合作：有人记录教师提问的数量和类型，有人观察一个小组的讨论，有人记录学生练习的正确情况，有人记录各环节用时。"
          "华东师范大学崔允漷教授团队提出的课堂观察框架，从学生学习、教师教学、课程性质、课堂文化四个维度设计观察点，可以作为参考。</p>"),
        H("议课的原则"),
        P("<ul>"
          "<li><b>以学论教。</b>讨论的重点是学生学会了没有，而不是教师表现得好不好。</li>"
          "<li><b>用事实说话。</b>引用观察记录，如“第二个问题提出后，只有三名学生举手”，而不是“气氛不够活跃”。</li>"
          "<li><b>提出可行的改进。</b>每位观课教师至少提一条具体的改进建议。</li>"
          "<li><b>对课不对人。</b>营造安全、坦诚的研讨氛围，先请执教教师说说设计意图和自己的感受。</li>"
          "</ul>"),
    ]),
    ("school-based-system", "建立校本研修制度", 30,
     "把研修变成常规；本项目中的同步主题研训；一学期研修安排示例。", [
        H("校本研修要成为常规"),
        P("<p>帮扶方案要求为洪溪片区重点学校“建立一套同步主题研训的校本研修制度”。制度的关键，是把研修变成每周都做的常规："
          "固定的教研时间和地点，明确的负责人，有主题、有记录、有成果。</p>"),
        H("同步主题研训"),
        P("<p>在本项目中，同步主题研训指片区学校与结对的乐山市学校围绕同一个研修主题，通过现场或远程方式共同备课、观课和研讨。"
          "主题应来自本校课堂的真实问题，例如“如何提高学生的汉语口头表达能力”“如何组织有效的小组合作”。</p>"),
        H("一学期的研修安排示例"),
        P("<ul>"
          "<li>开学初：教研组诊断问题，确定本学期的研修主题。</li>"
          "<li>每月：至少一次课例研讨（同课异构或一课多上）。</li>"
          "<li>学期中：与结对学校开展一次远程协同教研。</li>"
          "<li>期末：整理教学设计、观课记录和反思，形成课例成果。</li>"
          "</ul>"),
        R("<p>为你所在的教研组设计一次同课异构活动：写出课题、研讨主题、参加的教师和分工、观课的观察点，以及活动后准备形成什么成果（不少于100字）。</p>"),
    ]),
]  # fmt: skip

# Courses ------------------------------------------------------------------------

ETH, SKL, LBC, ICT, SBR = (
    "HX-ETH-01",
    "HX-SKL-01",
    "HX-LBC-01",
    "HX-ICT-01",
    "HX-SBR-01",
)

# (code, slug, title, category, kind, delivery, credit hours, summary, lessons)
COURSES = [
    (ETH, "teacher-ethics", "新时代师德师风建设", "teacher-ethics", K.REQUIRED, D.ONLINE, 10,
     "学习《新时代中小学教师职业行为十项准则》和相关法律法规，结合民族地区乡村学校的实际，理解关爱学生、依法执教、廉洁从教的具体要求。",
     ETHICS_LESSONS),
    (SKL, "teaching-skills", "教育教学基本技能", "teaching-skills", K.REQUIRED, D.BLENDED, 12,
     "从教学目标出发设计一节课，练习有效提问与反馈，建立课堂常规，按“双减”要求设计作业。线上学习与送培到校的现场指导相结合。",
     SKILLS_LESSONS),
    (LBC, "left-behind-children", "留守儿童心理辅导", "left-behind-children", K.REQUIRED, D.ONLINE, 8,
     "认识留守儿童的情感需求，学会在课堂和班级中发现、关心和支持他们，做好家访和与外出务工父母的沟通，知道何时必须报告。",
     LEFT_BEHIND_LESSONS),
    (ICT, "ict-2", "信息技术应用能力提升工程2.0", "ict-2", K.ELECTIVE, D.BLENDED, 10,
     "了解工程2.0的目标、30个微能力点和“整校推进”的做法，在网络条件有限的乡村课堂中选用合适的信息技术，完成能力点的实践。",
     ICT_LESSONS),
    (SBR, "school-based-research", "同课异构与校本研修", "teaching-skills", K.ELECTIVE, D.BLENDED, 10,
     "以同课异构和课例研究为抓手，学习观课议课的方法，建立同步主题研训的校本研修制度。需先完成“教育教学基本技能”。",
     SCHOOL_RESEARCH_LESSONS),
]  # fmt: skip

PREREQUISITES = {SBR: [SKL]}

# Programme and tracks -----------------------------------------------------------

PROGRAMME = {
    "code": "lsnu-hongxi-2020",
    "name": "乐山师范学院美姑县洪溪片区“一对一”精准帮扶提升工程",
    "starts_on": datetime.date(2020, 6, 1),
    "ends_on": datetime.date(2022, 3, 31),
    "hours_per_placement_day": Decimal("6"),
}

# (code, name, audience, cohort, description, required, electives)
TRACKS = [
    ("seed-2020", "种子教师研修", Audience.SEED, "seed-2020",
     "面向洪溪片区学校的学科骨干教师：完成三门必修课程和不少于10学时的选修课程，并到乐山市结对学校跟岗研修不少于5天，"
     "在课堂教学、班级管理、校本研修等真实场景中反思提升，回校后带动本校学科建设和其他教师发展。",
     [ETH, SKL, LBC], [ICT, SBR]),
    ("principals-2020", "校长研修", Audience.PRINCIPALS, "principals-2020",
     "面向洪溪片区学校的校长和管理干部：完成两门必修课程和不少于10学时的选修课程，并到乐山市基地学校跟岗研修不少于5天，"
     "更新教育教学思想，提升办学治校能力。",
     [ETH, LBC], [ICT, SKL, SBR]),
]  # fmt: skip
TRACK_TERMS = {
    "min_elective_hours": Decimal("10"),
    "min_placement_days": 5,
    "opens_on": datetime.date(
        2020, 9, 21
    ),  # first on-site training, online study starts
    "closes_on": datetime.date(2022, 3, 31),
}

# Progress -----------------------------------------------------------------------

SEED_ETH_ANSWER = (
    "上个月班上一名学生连续两天没来上课。我没有只在点名册上记缺勤，而是放学后和另一位老师走山路去他家，"
    "才知道他奶奶生病，他在家照顾奶奶。我们联系了村干部，请亲戚帮忙照看，第二天他就回到了学校。"
    "以后学生缺课，我会当天就联系家长。另外，以前我有时在全班面前说重话批评学生，对照准则，以后我会先了解原因，课后单独谈。"
)
HX01_ETH_ANSWER = (
    "开学时一位家长拿来一袋核桃，说感谢我照顾他的孩子。我当时不好意思拒绝，后来想到准则中“不得收受学生及家长财物”，"
    "第二天把核桃送了回去，向家长说明了原因，并告诉他孩子最近作文进步很大。家长没有不高兴，反而更愿意和我沟通。"
    "我觉得做得不够的是上课有时赶进度，对说话慢的学生不够耐心，以后提问后我会多等一等。"
)
HX01_LBC_ANSWER = (
    "我班上的小伍（化名）今年十岁，父母在外地打工，跟着年迈的爷爷生活。他上课常常走神，作业经常没有完成，也不太和同学说话。"
    "这个学期我准备做三件事：每周三放学后和他聊十分钟，听他说说家里的事；每月用学校电话帮他和爸爸妈妈视频一次；"
    "安排一位热心的同学和他结成学习伙伴，一起完成作业。期末我会去他家家访一次，和爷爷商量怎样督促他按时睡觉。"
)
YI_LBC_ANSWER = (
    "我班上有一个女孩（化名阿果），父母都在外地务工，她和姐姐跟着外婆生活，平时要背水、做饭，到校时常常很累。"
    "她学习认真，但很少主动发言。这个学期我打算请她担任图书角管理员，让她在班上有自己的位置；"
    "每两周和她单独谈一次；期中前和会说彝语的同事一起去家访，了解外婆家的困难，看学校能提供什么帮助。"
)
PRINCIPAL_ETH_ANSWER = (
    "作为校长，我认为师德师风建设非常重要。学校要加强对教师的教育和管理，组织教师认真学习十项准则，"
    "把师德表现作为考核的重要内容，对违反准则的行为严肃处理。同时要关心教师的工作和生活，营造风清气正的校园氛围，"
    "让每一位教师都能做学生的引路人。"
)
RETURN_FEEDBACK = "谢谢你的思考。请结合你最近一个月里的一件具体的事来写：事情经过、你当时怎么做、以后会怎样改进。"


def seed() -> CourseIndexPage:
    """Create or bring up to date the catalog, tracks and demo progress."""
    index = _seed_index()
    categories = {
        code: CourseCategory.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": n}
        )[0]
        for n, (code, name, name_en) in enumerate(CATEGORIES, start=1)
    }
    quizzes = _seed_quiz_packages()
    courses = {row[0]: _seed_course(index, row, categories, quizzes) for row in COURSES}
    for code, needed in PREREQUISITES.items():
        _set_prerequisites(courses[code], [courses[c] for c in needed])
    programme, _ = Programme.objects.update_or_create(
        code=PROGRAMME["code"], defaults=PROGRAMME
    )
    tracks = {row[0]: _seed_track(programme, row, courses) for row in TRACKS}
    _seed_progress(courses, tracks)
    return index


# Pages ---------------------------------------------------------------------------


def _seed_index() -> CourseIndexPage:
    home = HomePage.objects.get(depth=2)
    index = CourseIndexPage.objects.child_of(home).filter(slug="courses").first()
    return _upsert_page(
        home, index, CourseIndexPage, slug="courses", title="课程目录",
        intro=INDEX_INTRO, show_in_menus=True,
    )  # fmt: skip


def _seed_quiz_packages() -> dict[str, H5PPackage]:
    """One H5P quiz (our own LmsQuiz type) per course that has one, keyed by
    the course slug; built and unpacked once."""
    packages = {}
    for slug, quiz in DEMO_QUIZZES.items():
        package = H5PPackage.objects.filter(title=quiz["title"]).first()
        if package is None:
            package = h5p_package_create(
                title=quiz["title"],
                file=ContentFile(build_quiz_package(**quiz), name=f"{slug}.h5p"),
                by=None,  # the seed itself, which installs the quiz library
            )
        if not package.is_ready:
            # The seed runs in one transaction, so the after-commit unpack
            # would come too late for the demo's recorded attempts.
            package = h5p_package_unpack(package_id=package.pk)
        packages[slug] = package
    return packages


def _quiz_lesson(package: H5PPackage):
    return (
        "quiz", "课后小测", 10, "用几道选择题检查本课程的要点。",
        [P("<p>完成下面的小测验，得分达到 60% 即通过；可以多次作答，记录最高分。</p>"),
         ("h5p", {"title": package.title, "package": package.pk, "pass_mark": 60,
                  "instructions": "每道题选择一个答案，然后点击“提交答案”。"})],
    )  # fmt: skip


def _seed_course(index, row, categories, quizzes) -> CoursePage:
    code, slug, title, category, kind, delivery, hours, summary, lessons = row
    if slug in quizzes:
        lessons = [*lessons, _quiz_lesson(quizzes[slug])]
    course = _upsert_page(
        index,
        CoursePage.objects.filter(code=code).first(),
        CoursePage,
        slug=slug,
        title=title,
        code=code,
        summary=summary,
        category=categories[category],
        kind=kind,
        audience=Audience.ALL,
        delivery=delivery,
        credit_hours=Decimal(hours),
        estimated_hours=Decimal(hours),
        completion_rule=CoursePage.CompletionRule.ALL_LESSONS,
        self_enrolment=True,
    )
    for lesson_slug, lesson_title, minutes, lesson_summary, blocks in lessons:
        _upsert_page(
            course,
            LessonPage.objects.child_of(course).filter(slug=lesson_slug).first(),
            LessonPage,
            slug=lesson_slug,
            title=lesson_title,
            summary=lesson_summary,
            estimated_minutes=minutes,
            body=_body(f"{code}/{lesson_slug}", blocks),
        )
    return course


def _body(key: str, blocks) -> list[dict]:
    """StreamField raw data with ids fixed by lesson, block type and position."""
    seen: dict[str, int] = {}
    body = []
    for block_type, value in blocks:
        seen[block_type] = seen.get(block_type, 0) + 1
        name = f"{key}/{block_type}/{seen[block_type]}"
        block_id = str(uuid.uuid5(BLOCK_ID_NAMESPACE, name))
        body.append({"type": block_type, "value": value, "id": block_id})
    return body


def _upsert_page(parent: Page, page: Page | None, model, **fields) -> Page:
    """Create the page under its parent, or publish a new revision of it when
    any field differs; an unchanged page gets no new revision."""
    if page is None:
        page = model(**fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    if all(_same(getattr(page, name), value) for name, value in fields.items()):
        return page
    for name, value in fields.items():
        setattr(page, name, value)
    page.draft_title = page.title
    page.save_revision().publish()
    return page


def _same(current, wanted) -> bool:
    if hasattr(current, "raw_data"):  # a StreamField value
        return list(current.raw_data) == wanted
    return current == wanted


def _set_prerequisites(course: CoursePage, needed: list[CoursePage]) -> None:
    if set(course.prerequisites.values_list("pk", flat=True)) == {c.pk for c in needed}:
        return
    course.prerequisites.set(needed)
    course.save_revision().publish()


# Tracks --------------------------------------------------------------------------


def _seed_track(programme, row, courses) -> Track:
    code, name, audience, _cohort, description, required, electives = row
    track, _ = Track.objects.update_or_create(
        code=code,
        defaults={
            "programme": programme,
            "name": name,
            "audience": audience,
            "description": description,
            **TRACK_TERMS,
        },
    )
    wanted = [(c, True) for c in required] + [(c, False) for c in electives]
    for position, (course_code, is_required) in enumerate(wanted):
        TrackCourse.objects.update_or_create(
            track=track,
            course=courses[course_code],
            defaults={"is_required": is_required, "sort_order": position},
        )
    TrackCourse.objects.filter(track=track).exclude(
        course__code__in=[c for c, _ in wanted]
    ).delete()
    return track


# Progress ------------------------------------------------------------------------


def _seed_progress(courses, tracks) -> None:
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    office, trainer = users["office"], users["trainer"]
    for code, _name, _audience, cohort_code, *_courses in TRACKS:
        _enrol_cohort(tracks[code], Cohort.objects.get(code=cohort_code), office)
    for course_code in (ETH, ICT):
        _enrol_self(users["teacher"], courses[course_code])

    lessons = {
        code: list(LessonPage.objects.live().child_of(course).order_by("path"))
        for code, course in courses.items()
    }
    eth, skl, lbc = lessons[ETH], lessons[SKL], lessons[LBC]

    # seed: ethics done (reflection accepted, quiz passed), half-way through
    # teaching skills.
    _complete(users["seed"], eth[0], eth[1])
    _reflect(users["seed"], eth[2], SEED_ETH_ANSWER, reviewer=trainer)
    _answer_quiz(users["seed"], eth[3], right=4, of=4)
    _complete(users["seed"], skl[0], skl[1])
    services.lesson_visit(user=users["seed"], lesson=skl[2])

    # t.hx01: two required courses done, one quiz passed at the second try.
    _complete(users["t.hx01"], eth[0], eth[1], lbc[0], lbc[1])
    _reflect(users["t.hx01"], eth[2], HX01_ETH_ANSWER, reviewer=trainer)
    _reflect(users["t.hx01"], lbc[2], HX01_LBC_ANSWER, reviewer=trainer)
    _answer_quiz(users["t.hx01"], eth[3], right=4, of=4)
    _answer_quiz(users["t.hx01"], lbc[3], right=2, of=4)
    _answer_quiz(users["t.hx01"], lbc[3], right=3, of=4)

    # teacher.yi: started the counselling course; her reflection awaits review.
    _complete(users["teacher.yi"], lbc[0])
    _reflect(users["teacher.yi"], lbc[2], YI_LBC_ANSWER)

    # principal.hongxi: a reflection returned with comments.
    _complete(users["principal.hongxi"], eth[0])
    _reflect(
        users["principal.hongxi"], eth[2], PRINCIPAL_ETH_ANSWER,
        reviewer=trainer, accept=False,
    )  # fmt: skip


def _answer_quiz(user: User, lesson: LessonPage, *, right: int, of: int) -> None:
    """Record a quiz attempt as the player would send it, once per score."""
    block_id = next(iter(lesson.activity_blocks))
    scaled = Decimal(right) / of
    if XAPIStatement.objects.filter(
        user=user, lesson=lesson, block_id=block_id, score_scaled=scaled.quantize(
            Decimal("0.0001"))
    ).exists():  # fmt: skip
        return
    services.statement_record(
        user=user,
        lesson=lesson,
        block_id=block_id,
        statement={
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": activity_iri(lesson, block_id)},
            "result": {
                "score": {"raw": right, "min": 0, "max": of},
                "success": right * 100 >= 60 * of,
                "completion": True,
            },
        },
    )


def _enrol_cohort(track: Track, cohort: Cohort, office: User) -> None:
    enrolled = TrackEnrolment.objects.filter(track=track).values("user_id")
    newcomers = services.users_for_group(cohort=cohort).exclude(pk__in=enrolled)
    if newcomers.exists():
        services.track_enrol(track=track, users=newcomers, enrolled_by=office)


def _enrol_self(user: User, course: CoursePage) -> None:
    if not Enrolment.objects.filter(
        user=user, course=course, status=Enrolment.Status.ACTIVE
    ).exists():
        services.enrolment_create(user=user, course=course, source=Source.SELF)


def _complete(user: User, *lessons: LessonPage) -> None:
    done = set(
        LessonProgress.objects.filter(
            user=user, lesson__in=lessons, status=LessonProgress.Status.COMPLETED
        ).values_list("lesson_id", flat=True)
    )
    for lesson in lessons:
        if lesson.pk not in done:
            services.lesson_mark_complete(user=user, lesson=lesson)


def _reflect(user, lesson, text, *, reviewer=None, accept=True) -> None:
    """Submit the lesson's first reflection once; review it once if asked."""
    block_id = lesson.reflection_block_ids[0]
    reflection = Reflection.objects.filter(
        user=user, lesson=lesson, block_id=block_id
    ).first()
    if reflection is None:
        reflection = services.reflection_submit(
            user=user, lesson=lesson, block_id=block_id, text=text
        )
    if reviewer is not None and reflection.status == Reflection.Status.SUBMITTED:
        services.reflection_review(
            reflection=reflection,
            reviewer=reviewer,
            accept=accept,
            feedback="" if accept else RETURN_FEEDBACK,
        )
